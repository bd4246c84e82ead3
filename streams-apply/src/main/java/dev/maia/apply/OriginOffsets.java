package dev.maia.apply;

import dev.maia.schemas.wal.WalHeaders;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Where a WAL record sits in its origin region's log, or why the record's claim is refused.
 *
 * <p>The origin offset decides what a region skips as already applied, so a forged one is poison: a
 * record claiming 2^62 would make every later write of its tenant and partition look applied. So:
 * <ul>
 *   <li>A local log ({@code maia.wal.<tenant>}) is its own origin: the record's offset is the origin
 *       offset, and a record that carries {@link WalHeaders#ORIGIN_OFFSET} anyway was not written by this
 *       project's write path. It is refused.</li>
 *   <li>A mirrored log ({@code <source>.maia.wal.<tenant>}) is written by MirrorMaker 2 alone, whose
 *       transform appends exactly one header with the source offset. A copy without it, with a value that
 *       is not a non-negative 8-byte long, or with two of them (the record already carried one at its
 *       origin, where it was refused as above) is refused.</li>
 * </ul>
 * A claim that is well formed is not checked against the source log's end: a gap in the origin offsets is
 * normal (transaction markers, entries removed by retention while MirrorMaker was down) and has no bound,
 * and refusing a real one would stop the tenant's apply for good. Who may write a mirrored log at all is the
 * ACLs' part (docs/security.md).
 */
final class OriginOffsets {
    static final String ON_LOCAL_LOG = "origin_offset_on_local_log";
    static final String MISSING = "origin_offset_missing";
    static final String BAD = "bad_origin_offset";

    /**
     * An origin offset, or a refusal with its reason (the DLQ header and the metric's tag) and detail.
     * {@code offset} is -1 when refused and unknown: a copy with no well-formed claim of MirrorMaker's.
     */
    record Claim(long offset, String refusal, String detail) {
        boolean refused() {
            return refusal != null;
        }
    }

    private OriginOffsets() {
    }

    static Claim of(Headers headers, long recordOffset, boolean mirrored) {
        int count = 0;
        Header last = null;
        for (Header h : headers.headers(WalHeaders.ORIGIN_OFFSET)) {
            count++;
            last = h;
        }
        if (!mirrored) {
            return count == 0 ? new Claim(recordOffset, null, null)
                    // Its own offset is still its place in this log: that is what stays dead-lettered.
                    : new Claim(recordOffset, ON_LOCAL_LOG, "origin offset header on a local log");
        }
        if (count == 0) {
            return new Claim(-1, MISSING, "no origin offset header on a mirrored log");
        }
        long offset;
        try {
            offset = WalHeaders.decodeLong(last.value());
        } catch (IllegalArgumentException e) {
            return new Claim(-1, BAD, e.getMessage());
        }
        if (offset < 0) {
            return new Claim(-1, BAD, "negative origin offset " + offset);
        }
        if (count > 1) {
            // The last header is MirrorMaker's own, as trustworthy as any single one: it is the copy's place in
            // the origin's log, dead-lettered there too, so every holder is past the same offsets.
            return new Claim(offset, ON_LOCAL_LOG, "origin offset header on a local log: the copy carries " + count
                    + ", one of them already on its origin's log");
        }
        return new Claim(offset, null, null);
    }
}
