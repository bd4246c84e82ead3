package dev.maia.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped alert rules load in Prometheus (`promtool check rules`), their cases pass (`promtool test
 * rules`), and every alert has a case where it fires and a later one where it has resolved.
 */
class AlertRulesTest {
    static final Path PROMETHEUS = ProjectScripts.ROOT.resolve("compose/prometheus");
    static final Path RULES = PROMETHEUS.resolve("rules/maia-alerts.yml");
    static final Path CASES = PROMETHEUS.resolve("tests/maia-alerts-test.yml");

    @Test
    void theRulesLoadAndTheirCasesPass() {
        String promtool = promtool();
        assertThat(run(promtool, "check", "rules", RULES.toString())).contains("SUCCESS");
        assertThat(run(promtool, "test", "rules", CASES.toString())).contains("SUCCESS");
    }

    @Test
    void everyAlertIsShownFiringAndThenResolved() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Set<String> alerts = new HashSet<>();
        for (JsonNode group : yaml.readTree(RULES.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                alerts.add(rule.path("alert").asText());
            }
        }
        Set<String> fired = new HashSet<>();
        Set<String> resolvedAfterFiring = new HashSet<>();
        for (JsonNode test : yaml.readTree(CASES.toFile()).path("tests")) {
            for (JsonNode eval : test.path("alert_rule_test")) {
                String alert = eval.path("alertname").asText();
                if (!eval.path("exp_alerts").isEmpty()) {
                    fired.add(alert);
                } else if (fired.contains(alert)) {
                    resolvedAfterFiring.add(alert);
                }
            }
        }
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(8);
        assertThat(fired).as("alerts with a firing case").containsExactlyInAnyOrderElementsOf(alerts);
        assertThat(resolvedAfterFiring).as("alerts with a resolved case after firing").containsExactlyInAnyOrderElementsOf(alerts);
    }

    /**
     * promtool comes with Debian's prometheus package (.ci/run installs it). Without it the rules are not
     * checked: skipped with the reason, or a failure where CI requires the container tests.
     */
    private static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "promtool");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        String why = "promtool is not on PATH (apt-get install prometheus)";
        DockerRequired.failIfRequired(why);
        Assumptions.abort(why);
        return null;
    }

    private static String run(String... command) {
        ProjectScripts.Result r = ProjectScripts.run("promtool-" + command[1], List.of(command), Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(String.join(" ", command) + ":\n" + r.output()).isZero();
        return r.output();
    }
}
