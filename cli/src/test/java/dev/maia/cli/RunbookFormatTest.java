package dev.maia.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The runbooks' shape, without a stack: every runbook is in the index, has the four parts, and every line
 * of its sh blocks is a maia command that parses and says its exit code ({@link Runbook} refuses the rest).
 * That the commands exit so is {@link RunbooksTest}'s part.
 */
class RunbookFormatTest {
    private static final List<String> PARTS = List.of("Symptoms", "Diagnose", "Act", "Verify");

    @Test
    void everyRunbookIsIndexedHasItsFourPartsAndOnlyMaiaCommandsThatSayTheirExitCode() throws Exception {
        String index = Files.readString(Runbook.DIRECTORY.resolve("README.md"));
        List<Runbook> runbooks = Runbook.all().stream().filter(r -> !r.name().equals("README.md")).toList();
        assertThat(runbooks).extracting(Runbook::name).containsExactlyInAnyOrder("region-loss.md", "planned-migration.md",
                "failback.md", "mm2-down.md", "store-full.md", "dlq-corrupt-entries.md", "control-quorum-lost.md");
        for (Runbook r : runbooks) {
            assertThat(index).as("the index links %s", r.name()).contains("](" + r.name() + ")");
            Set<String> headings = Files.readAllLines(r.file()).stream().filter(l -> l.startsWith("## "))
                    .map(l -> l.substring(3).trim()).collect(Collectors.toSet());
            assertThat(headings).as("the parts of %s", r.name()).containsAll(PARTS);
            assertThat(r.steps()).as("the commands of %s", r.name()).isNotEmpty();
            for (Runbook.Step s : r.steps()) {
                assertThat(PARTS).as("the part of %s", s).contains(s.section());
                // Every command is one the CLI knows, with options it takes.
                String[] args = s.args(java.util.Map.of("TOPOLOGY", "t.yaml", "TENANT", "acme", "REGION", "us-west",
                        "TARGET", "eu-central", "SINGLE_TENANT", "solo"));
                try {
                    new picocli.CommandLine(new MaiaCommand()).parseArgs(args);
                } catch (picocli.CommandLine.ParameterException e) {
                    throw new AssertionError(s + ": not a command line maia takes: " + e.getMessage(), e);
                }
            }
        }
    }

    @Test
    void aShellLineThatIsNotAMaiaCommandOrSaysNoExitCodeIsRefused() throws Exception {
        java.nio.file.Path dir = Files.createTempDirectory("runbook");
        java.nio.file.Path curl = dir.resolve("curl.md");
        Files.writeString(curl, "## Act\n\n```sh\ncurl -s http://x/health   # exits 0\n```\n");
        assertThatThrownBy(() -> Runbook.parse(curl)).hasMessageContaining("only maia commands");
        java.nio.file.Path silent = dir.resolve("silent.md");
        Files.writeString(silent, "## Act\n\n```sh\nmaia status --topology $TOPOLOGY\n```\n");
        assertThatThrownBy(() -> Runbook.parse(silent)).hasMessageContaining("# exits N");
        java.nio.file.Path repeat = dir.resolve("repeat.md");
        Files.writeString(repeat, "## Verify\n\n```sh\nmaia status --topology $TOPOLOGY   # exits 0 once ok (repeat until it does)\n```\n");
        Runbook.Step step = Runbook.parse(repeat).steps().get(0);
        assertThat(step.exits()).isEqualTo(0);
        assertThat(step.repeat()).isTrue();
        assertThat(step.args(java.util.Map.of("TOPOLOGY", "f.yaml"))).containsExactly("status", "--topology", "f.yaml");
    }
}
