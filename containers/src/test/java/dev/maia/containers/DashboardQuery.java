package dev.maia.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One query of the shipped Grafana dashboard, with the dashboard's variables set to "All", as Grafana sends it. */
record DashboardQuery(String panel, String expr) {
    static final Path DASHBOARD = ProjectScripts.ROOT.resolve("compose/grafana/dashboards/maia-replication.json");

    static List<DashboardQuery> all() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<DashboardQuery> out = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                out.add(new DashboardQuery(panel.path("title").asText(), withAllValues(target.path("expr").asText(), dashboard)));
            }
        }
        return out;
    }

    /** Grafana's "All" of a multi-value variable is its allValue, ".*" here, inside the label matchers. */
    private static String withAllValues(String expr, JsonNode dashboard) {
        String out = expr;
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            out = out.replace("$" + variable.path("name").asText(), variable.path("allValue").asText(".*"));
        }
        return out;
    }
}
