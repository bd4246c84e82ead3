package dev.maia.cli.profile;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The CPU samples ({@code jdk.ExecutionSample}) of a JFR recording, of the threads whose name matches, as
 * stacks of {@code Class.method} frames (root first): what a flame graph is drawn from. Frames are named by
 * simple class name, so that a table stays readable.
 */
public final class JfrSamples {
    /** One method's share of the samples. */
    public record Share(String frame, long samples, double share) {
    }

    private final List<List<String>> stacks;

    private JfrSamples(List<List<String>> stacks) {
        this.stacks = stacks;
    }

    /** Reads the samples of the threads named like {@code threads}, between {@code from} and {@code to} (either may be null). */
    public static JfrSamples read(Path recording, Pattern threads, Instant from, Instant to) throws IOException {
        List<List<String>> stacks = new ArrayList<>();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                if ((from != null && e.getStartTime().isBefore(from)) || (to != null && e.getStartTime().isAfter(to))) {
                    continue;
                }
                RecordedThread t = e.getThread("sampledThread");
                String name = t == null ? "" : String.valueOf(t.getJavaName());
                if (!threads.matcher(name).find()) {
                    continue;
                }
                RecordedStackTrace st = e.getStackTrace();
                if (st == null) {
                    continue;
                }
                List<RecordedFrame> frames = st.getFrames();
                List<String> stack = new ArrayList<>(frames.size());
                for (int i = frames.size() - 1; i >= 0; i--) {
                    stack.add(name(frames.get(i)));
                }
                stacks.add(stack);
            }
        }
        return new JfrSamples(stacks);
    }

    static JfrSamples of(List<List<String>> stacks) {
        return new JfrSamples(stacks);
    }

    private static String name(RecordedFrame f) {
        if (f.getMethod() == null) {
            return "?";
        }
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    public long count() {
        return stacks.size();
    }

    /** Where the samples were taken: the top frame of each stack. */
    public List<Share> self(int top) {
        Map<String, Long> counts = new HashMap<>();
        for (List<String> s : stacks) {
            if (!s.isEmpty()) {
                counts.merge(s.get(s.size() - 1), 1L, Long::sum);
            }
        }
        return ranked(counts, top);
    }

    /** How many samples have each method anywhere on their stack (counted once per stack). */
    public List<Share> inclusive(int top) {
        Map<String, Long> counts = new HashMap<>();
        for (List<String> s : stacks) {
            for (String frame : new LinkedHashSet<>(s)) {
                counts.merge(frame, 1L, Long::sum);
            }
        }
        return ranked(counts, top);
    }

    /** The share of samples whose stack contains a frame starting with one of {@code prefixes}. */
    public Share containing(String label, Set<String> prefixes) {
        long n = stacks.stream().filter(s -> s.stream().anyMatch(f -> prefixes.stream().anyMatch(f::startsWith))).count();
        return new Share(label, n, share(n));
    }

    /** Brendan Gregg's collapsed format, one line per distinct stack: {@code root;...;leaf count}. */
    public String collapsed() {
        Map<String, Long> counts = new TreeMap<>();
        for (List<String> s : stacks) {
            counts.merge(String.join(";", s), 1L, Long::sum);
        }
        StringBuilder out = new StringBuilder();
        counts.forEach((stack, n) -> out.append(stack).append(' ').append(n).append('\n'));
        return out.toString();
    }

    private List<Share> ranked(Map<String, Long> counts, int top) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(top)
                .map(e -> new Share(e.getKey(), e.getValue(), share(e.getValue())))
                .toList();
    }

    private double share(long n) {
        return stacks.isEmpty() ? 0 : (double) n / stacks.size();
    }
}
