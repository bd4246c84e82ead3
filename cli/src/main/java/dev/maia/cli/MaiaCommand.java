package dev.maia.cli;

import dev.maia.cli.bench.BenchCommand;
import dev.maia.cli.demo.DemoCommand;
import dev.maia.cli.dlq.DlqCommand;
import dev.maia.cli.produce.ProduceCommand;
import dev.maia.cli.failover.FailoverCommand;
import dev.maia.cli.migrate.MigrateCommand;
import dev.maia.cli.profile.ProfileCommand;
import dev.maia.cli.security.AclsCommand;
import dev.maia.cli.security.CertsCommand;
import dev.maia.cli.status.StatusCommand;
import dev.maia.cli.verify.VerifyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import org.slf4j.LoggerFactory;

/** The one {@code maia} command. */
@Command(name = "maia", mixinStandardHelpOptions = true, version = "maia 0.1.0",
        description = "MAIA multi-region replication: Kafka WAL, MirrorMaker 2, Kafka Streams apply.",
        subcommands = {DemoCommand.class, ServeCommand.class, ProduceCommand.class, LagCommand.class, MirrorCommand.class, BenchCommand.class,
                VerifyCommand.class, MigrateCommand.class, FailoverCommand.class, ProfileCommand.class, CertsCommand.class, AclsCommand.class,
                StatusCommand.class, DlqCommand.class})
public final class MaiaCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new MaiaCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // One line that says why; the stack trace is in the log.
            commandLine.getErr().println("maia: " + Failures.oneLine(e));
            LoggerFactory.getLogger(MaiaCommand.class).debug("command failed", e);
            return 1;
        });
        System.exit(cli.execute(args));
    }
}
