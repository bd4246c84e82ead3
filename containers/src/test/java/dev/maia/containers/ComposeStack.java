package dev.maia.containers;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * One compose stack for every test class that needs it ({@code @ExtendWith(ComposeStack.class)}): {@code compose/up}
 * before the first of them, {@code compose/down} once the whole run ends (the root store closes it), so that
 * ComposeStackTest and FaultSuiteTest share the stack's start of several minutes. Classes that use it run last
 * and in a fixed order (junit-platform.properties, {@code @Order}): the fault suite's tenants and faults come
 * after the stack test's checks.
 */
public final class ComposeStack implements BeforeAllCallback {

    private static final Logger log = LoggerFactory.getLogger(ComposeStack.class);
    /** {@code -Dmaia.compose.keep=true}: leave the stack up after the run (re-running a class against it, debugging a fault). */
    static final String KEEP = "maia.compose.keep";

    /** The stack of this run; closing it (the end of the run) takes it down, also when up failed half way. */
    private static final class Running implements AutoCloseable {
        private final RuntimeException upFailure;

        Running(RuntimeException upFailure) {
            this.upFailure = upFailure;
        }

        @Override
        public void close() {
            if (Boolean.getBoolean(KEEP)) {
                log.info("compose stack left up ({}=true): compose/down takes it down", KEEP);
                return;
            }
            ProjectScripts.Result r = ProjectScripts.compose("down", Duration.ofMinutes(5));
            log.info("compose/down took {} s", r.took().toSeconds());
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Running stack = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(ComposeStack.class.getName(), key -> up(), Running.class);
        if (stack.upFailure != null) {
            throw new IllegalStateException("compose/up failed: " + stack.upFailure.getMessage(), stack.upFailure);
        }
    }

    private static Running up() {
        try {
            ProjectImages.ensureBuilt();
            ProjectScripts.Result r = ProjectScripts.compose("up", Duration.ofMinutes(15));
            log.info("compose/up took {} s:\n{}", r.took().toSeconds(), r.output().strip());
            return new Running(null);
        } catch (RuntimeException e) {
            return new Running(e);
        }
    }
}
