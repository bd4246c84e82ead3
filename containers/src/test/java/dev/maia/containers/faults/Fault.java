package dev.maia.containers.faults;

import java.util.List;

/**
 * One fault of the nemesis: what it does to which region, how to undo it, and the containers that must be
 * healthy again after. {@link #heal} may be called when {@link #inject} failed half way, and twice.
 */
public interface Fault {

    /** A short name for logs and the results table, e.g. {@code kill-region ap-tokyo}. */
    String name();

    /** The region the fault hits (whose tenants' primaries lose service). */
    String region();

    void inject(Docker docker);

    void heal(Docker docker);

    /** The containers to wait healthy for after {@link #heal}. */
    List<String> containers(Docker docker);
}
