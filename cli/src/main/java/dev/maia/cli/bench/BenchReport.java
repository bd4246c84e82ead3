package dev.maia.cli.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a bench run measured: the JSON sections, and the side-by-side rows of the table. */
final class BenchReport {

    /**
     * One line of the table.
     *
     * @param ratio  ours / kafka's, or null where there is no Kafka counterpart
     * @param met    whether the target is met; null where there is no target
     */
    record Row(String part, String metric, String ours, String kafka, Double ratio, String target, Boolean met) {
    }

    private final Map<String, Object> json = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<Map<String, Object>> targets = new ArrayList<>();

    void section(String name, Object value) {
        json.put(name, value);
    }

    void row(String part, String metric, String ours, String kafka, Double ratio, String target, Boolean met) {
        rows.add(new Row(part, metric, ours, kafka, ratio, target, met));
    }

    void target(String name, double ours, double kafka, double ratio, String target, boolean met) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", name);
        t.put("ours", ours);
        t.put("kafka", kafka);
        t.put("ratio", round(ratio, 3));
        t.put("target", target);
        t.put("met", met);
        targets.add(t);
    }

    Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>(json);
        out.put("targets", targets);
        return out;
    }

    void printTable(PrintWriter out) {
        String format = "%-9s %-30s %14s %14s %7s  %-24s %s%n";
        out.printf(format, "part", "metric", "maia", "kafka", "ratio", "target", "met");
        out.printf(format, "-".repeat(9), "-".repeat(30), "-".repeat(14), "-".repeat(14), "-".repeat(7), "-".repeat(24), "---");
        // Grouped by part in the order of the parts (the HTTP producer rows are measured after the apply part).
        List<Row> sorted = new ArrayList<>(rows);
        List<String> order = BenchCommand.ALL_PARTS;
        sorted.sort(Comparator.comparingInt(r -> order.indexOf(r.part())));
        for (Row r : sorted) {
            out.printf(format, r.part(), r.metric(), r.ours(), r.kafka() == null ? "-" : r.kafka(),
                    r.ratio() == null ? "-" : String.format("%.2f", r.ratio()), r.target() == null ? "" : r.target(),
                    r.met() == null ? "" : r.met() ? "yes" : "NO");
        }
        out.flush();
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static String num(double v) {
        return v >= 100 ? String.format("%,.0f", v) : String.format("%.2f", v);
    }
}
