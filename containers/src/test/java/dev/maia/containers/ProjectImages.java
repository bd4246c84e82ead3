package dev.maia.containers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;

/**
 * The project's images, built once per JVM by {@code compose/build-images} (which skips an image whose
 * content label is current, and builds the base with debootstrap if it is missing).
 */
final class ProjectImages {

    private static final Logger log = LoggerFactory.getLogger(ProjectImages.class);

    /** An explicit local tag: a missing one would make Testcontainers try to pull. */
    static final DockerImageName REGION = DockerImageName.parse("maia-region:dev");

    private static boolean built;

    private ProjectImages() {
    }

    static synchronized void ensureBuilt() {
        if (built) {
            return;
        }
        ProjectScripts.Result r = ProjectScripts.compose("build-images", Duration.ofMinutes(15));
        log.info("compose/build-images took {} s:\n{}", r.took().toSeconds(), r.output().strip());
        built = true;
    }
}
