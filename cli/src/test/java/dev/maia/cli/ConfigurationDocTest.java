package dev.maia.cli;

import dev.maia.mirror.MirrorOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md is what the declarations render, and names every key a region's or the mirror's file may hold. */
class ConfigurationDocTest {
    // Surefire runs a module's tests in the module's folder.
    private static final Path PAGE = Path.of("..").resolve(ConfigurationDoc.PAGE);

    @Test
    void theCommittedPageIsWhatTheDeclarationsRender() throws Exception {
        String rendered = ConfigurationDoc.render();
        if (Boolean.getBoolean("maia.docs.write")) {
            Files.writeString(PAGE, rendered);
        }
        assertThat(Files.exists(PAGE) ? Files.readString(PAGE) : "")
                .as("docs/configuration.md differs from the declared keys; regenerate it with:%n  %s", ConfigurationDoc.REGENERATE)
                .isEqualTo(rendered);
    }

    @Test
    void everyKeyOfTheFilesHasOneRow() {
        String rendered = ConfigurationDoc.render();
        Set<String> keys = new HashSet<>(RegionConfig.CONFIG_DEF.names());
        keys.addAll(MirrorOptions.CONFIG_DEF.names());
        for (String key : keys) {
            String row = "| `" + key + "` |";
            assertThat(rendered.indexOf(row)).as(key).isNotNegative().isEqualTo(rendered.lastIndexOf(row));
            assertThat(rendered).contains("`" + EnvironmentOverrides.variable(key) + "`");
        }
    }
}
