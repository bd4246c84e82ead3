package dev.maia.schemas.wal;

import dev.maia.schemas.avro.WALEntry;

/** Turns WAL entries into Kafka record values and back; every decode verifies the checksum first. */
public interface WalCodec {

    /** Encodes the entry and stamps its checksum (whatever the entry's checksum field held is ignored). */
    byte[] encode(WALEntry entry);

    WALEntry decode(byte[] value) throws CorruptEntryException;
}
