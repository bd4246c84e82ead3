package dev.maia.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A runbook of docs/runbooks as the tests read it: its {@code ## } sections and, in each, the command
 * lines of its {@code ```sh} blocks, each with the exit code the runbook says it has ({@code # exits N}),
 * and whether the runbook says to repeat it until it does ("until" in the same comment). A line that is
 * not a {@code maia} command, or says no exit code, is refused: every command an operator copies must be
 * one a test ran.
 */
record Runbook(Path file, List<Step> steps) {
    static final Path DIRECTORY = Path.of("..", "docs", "runbooks");
    private static final Pattern EXITS = Pattern.compile("#\\s*exits\\s+(\\d+)(.*)$");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$([A-Z_]+)");

    /** One command line: where it is, what it runs, what it exits with. */
    record Step(String file, int line, String section, String command, int exits, boolean repeat) {
        /** The arguments after {@code maia}, with the placeholders replaced; a placeholder without a value fails. */
        String[] args(Map<String, String> values) {
            Matcher m = PLACEHOLDER.matcher(command);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = values.get(m.group(1));
                if (value == null) {
                    throw new IllegalArgumentException(this + ": no value for $" + m.group(1));
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            String[] words = out.toString().trim().split("\\s+");
            return java.util.Arrays.copyOfRange(words, 1, words.length);
        }

        @Override
        public String toString() {
            return file + ":" + line + " (" + section + ") " + command;
        }
    }

    static List<Runbook> all() throws IOException {
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            List<Runbook> out = new ArrayList<>();
            for (Path f : files.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                out.add(parse(f));
            }
            return out;
        }
    }

    static Runbook named(String fileName) throws IOException {
        return parse(DIRECTORY.resolve(fileName));
    }

    static Runbook parse(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        String name = file.getFileName().toString();
        List<Step> steps = new ArrayList<>();
        String section = "";
        boolean inSh = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!inSh && line.startsWith("## ")) {
                section = line.substring(3).trim();
            } else if (!inSh && line.trim().equals("```sh")) {
                inSh = true;
            } else if (inSh && line.trim().equals("```")) {
                inSh = false;
            } else if (inSh && !line.isBlank() && !line.trim().startsWith("#")) {
                String where = name + ":" + (i + 1);
                if (!line.trim().startsWith("maia ")) {
                    throw new IllegalStateException(where + ": only maia commands belong in a sh block (RunbooksTest runs "
                            + "them); put other steps in the text: " + line);
                }
                Matcher exits = EXITS.matcher(line);
                if (!exits.find()) {
                    throw new IllegalStateException(where + ": say what the command exits with (# exits N): " + line);
                }
                String command = line.substring(0, exits.start()).trim();
                steps.add(new Step(name, i + 1, section, command, Integer.parseInt(exits.group(1)),
                        exits.group(2).contains("until")));
            }
        }
        if (inSh) {
            throw new IllegalStateException(name + ": a sh block is not closed");
        }
        return new Runbook(file, steps);
    }

    String name() {
        return file.getFileName().toString();
    }

    List<Step> section(String name) {
        return steps.stream().filter(s -> s.section().equals(name)).toList();
    }
}
