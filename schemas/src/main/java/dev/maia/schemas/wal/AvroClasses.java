package dev.maia.schemas.wal;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate generated classes outside its trusted list. Every class of this
 * project that builds or decodes Avro records calls {@link #trust()} first; it is idempotent.
 */
public final class AvroClasses {
    private static final String PACKAGE = "dev.maia.schemas.avro.";
    private static volatile boolean installed;

    private AvroClasses() {
    }

    public static void trust() {
        if (installed) {
            return;
        }
        synchronized (AvroClasses.class) {
            if (!installed) {
                ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
                ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
                        c -> c.getName().startsWith(PACKAGE)));
                installed = true;
            }
        }
    }
}
