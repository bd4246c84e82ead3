package dev.maia.apply.lag;

/**
 * The one definition of replication lag, for one partition of one origin's log as seen by one region.
 *
 * <ul>
 *   <li>records behind = the origin's end offset minus the first offset not yet applied (so transaction
 *       markers after the last applied entry do not count as lag);</li>
 *   <li>of those, the MirrorMaker part is what has not reached the region's mirrored topic yet, the
 *       apply part what is mirrored but not applied;</li>
 *   <li>seconds behind = age of the oldest write not yet applied, 0 when caught up.</li>
 * </ul>
 *
 * @param originEnd          end offset of the origin's log partition
 * @param mirroredThrough    origin offset of the last record in the region's mirrored copy; for the
 *                           region's own log, the end offset minus one (nothing to mirror)
 * @param appliedThrough     highest origin offset the region has applied, -1 if none
 * @param firstUnapplied     offset of the first record after {@code appliedThrough}, -1 if there is none
 * @param firstUnappliedAtMs wall time of that record, 0 if there is none
 */
public record ReplicationLag(long originEnd, long mirroredThrough, long appliedThrough, long firstUnapplied,
                             long firstUnappliedAtMs) {

    public static final ReplicationLag NONE = new ReplicationLag(0, -1, -1, -1, 0);

    public long recordsBehind() {
        return firstUnapplied < 0 ? 0 : Math.max(0, originEnd - firstUnapplied);
    }

    public long applyRecords() {
        return Math.min(recordsBehind(), Math.max(0, mirroredThrough - appliedThrough));
    }

    public long mirrorRecords() {
        return recordsBehind() - applyRecords();
    }

    public double secondsBehind(long nowMs) {
        return recordsBehind() == 0 ? 0.0 : Math.max(0, nowMs - firstUnappliedAtMs) / 1000.0;
    }

    /** Partitions add up in records; the oldest unapplied write decides the seconds. */
    public static Summary sum(Iterable<ReplicationLag> partitions, long nowMs) {
        long mirror = 0;
        long apply = 0;
        double seconds = 0;
        for (ReplicationLag l : partitions) {
            mirror += l.mirrorRecords();
            apply += l.applyRecords();
            seconds = Math.max(seconds, l.secondsBehind(nowMs));
        }
        return new Summary(mirror, apply, seconds);
    }

    /** Lag of one tenant's log from one origin in one region. */
    public record Summary(long mirrorRecords, long applyRecords, double secondsBehind) {
        public long recordsBehind() {
            return mirrorRecords + applyRecords;
        }
    }
}
