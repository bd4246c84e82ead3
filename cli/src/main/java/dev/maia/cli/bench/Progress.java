package dev.maia.cli.bench;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;

/** A bench run's progress lines: to the user (stdout, or stderr under {@code --json}) and to the log. */
final class Progress {
    // The command's logger, as before the scenarios had their own classes: greps of the log keep matching.
    private static final Logger log = LoggerFactory.getLogger(BenchCommand.class);

    private final PrintWriter out;

    Progress(PrintWriter out) {
        this.out = out;
    }

    void say(String format, Object... args) {
        log.info("{}", String.format(format, args)); // timestamps in the log, to line profiles up with the parts
        out.printf(format + "%n", args);
        out.flush();
    }
}
