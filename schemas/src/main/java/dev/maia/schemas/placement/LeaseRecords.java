package dev.maia.schemas.placement;

import dev.maia.schemas.avro.Candidacy;
import dev.maia.schemas.avro.Lease;
import dev.maia.schemas.tenant.ControlRecords;
import dev.maia.schemas.wal.AvroClasses;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * How lease renewals and failover candidacies travel in {@code maia.control}, in the same single-partition
 * log as placements: a failover is decided by where these records sit relative to the placement changes,
 * so they cannot live in a topic of their own. Keys never collide with a placement's (the bare tenant id).
 */
public final class LeaseRecords {
    static {
        AvroClasses.trust();
    }

    private static final BinaryMessageEncoder<Lease> LEASE_ENCODER = Lease.getEncoder();
    private static final BinaryMessageDecoder<Lease> LEASE_DECODER = Lease.getDecoder();
    private static final BinaryMessageEncoder<Candidacy> CANDIDACY_ENCODER = Candidacy.getEncoder();
    private static final BinaryMessageDecoder<Candidacy> CANDIDACY_DECODER = Candidacy.getDecoder();

    private LeaseRecords() {
    }

    public static String leaseKey(String region) {
        return ControlRecords.KIND_LEASE + "/" + region;
    }

    public static String candidacyKey(String tenantId) {
        return ControlRecords.KIND_CANDIDACY + "/" + tenantId;
    }

    public static byte[] encode(Lease lease) {
        try {
            return LEASE_ENCODER.encode(lease).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] encode(Candidacy candidacy) {
        try {
            return CANDIDACY_ENCODER.encode(candidacy).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Lease decodeLease(byte[] bytes) throws IOException {
        return LEASE_DECODER.decode(bytes);
    }

    public static Candidacy decodeCandidacy(byte[] bytes) throws IOException {
        return CANDIDACY_DECODER.decode(bytes);
    }
}
