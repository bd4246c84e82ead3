package dev.maia.cli.dlq;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code maia dlq}: the dead-letter queue of a region ({@code maia.dlq} in its cluster). */
@Command(name = "dlq", mixinStandardHelpOptions = true, subcommands = DlqListCommand.class,
        description = "The entries a region's apply path refused (corrupt, forged, too large, over quota) and why.")
public final class DlqCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
