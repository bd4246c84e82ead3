package dev.maia.cli;

import java.util.concurrent.ExecutionException;

/** Turns an exception chain into the one line a person needs. */
final class Failures {
    private Failures() {
    }

    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t
                && (t.getMessage() == null || t instanceof ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
