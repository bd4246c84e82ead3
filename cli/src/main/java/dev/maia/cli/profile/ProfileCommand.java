package dev.maia.cli.profile;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code maia profile}: the CPU samples of a JFR recording (for example of {@code maia bench} run with
 * {@code MAIA_JAVA_OPTS=-XX:StartFlightRecording=...}) as two tables, where the samples were taken and which
 * methods they were under, and optionally as collapsed stacks for a flame graph.
 */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Top frames of a JFR recording's CPU samples (self and inclusive), and collapsed stacks for flame graphs.")
public final class ProfileCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "a JFR recording (.jfr)")
    Path recording;

    @Option(names = "--thread", defaultValue = ".", paramLabel = "REGEX",
            description = "only threads whose name matches (e.g. 'StreamThread'); default: all")
    String thread;

    @Option(names = "--top", defaultValue = "25", paramLabel = "N", description = "rows per table (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--from", paramLabel = "INSTANT", description = "only samples from this time on (ISO-8601, e.g. 2026-12-04T13:51:50Z)")
    Instant from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "only samples up to this time")
    Instant to;

    @Option(names = "--collapsed", paramLabel = "OUT", description = "also write the stacks in collapsed format (flamegraph.pl, speedscope) to OUT")
    Path collapsed;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(recording)) {
            throw new IllegalArgumentException("FILE: no recording at " + recording);
        }
        if (top < 1) {
            throw new IllegalArgumentException("--top must be at least 1");
        }
        JfrSamples samples = JfrSamples.read(recording, Pattern.compile(thread), from, to);
        PrintStream out = System.out;
        out.printf("%d samples of threads matching '%s' in %s%n%n", samples.count(), thread, recording);
        table(out, "self (top frame)", samples.self(top));
        table(out, "inclusive (anywhere on the stack)", samples.inclusive(top));
        if (collapsed != null) {
            Files.writeString(collapsed, samples.collapsed());
            out.printf("collapsed stacks: %s%n", collapsed);
        }
        return 0;
    }

    static void table(PrintStream out, String title, List<JfrSamples.Share> rows) {
        out.printf("%-7s %8s  %s%n", "share", "samples", title);
        for (JfrSamples.Share s : rows) {
            out.printf("%6.1f%% %8d  %s%n", 100 * s.share(), s.samples(), s.frame());
        }
        out.println();
    }
}
