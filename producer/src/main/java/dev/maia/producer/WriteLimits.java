package dev.maia.producer;

/** Size limits of a write; a request over any of them is refused with the field it broke. */
public record WriteLimits(
        int maxContentBytes,
        int maxMetadataBytes,
        int maxTags,
        int maxTagLength,
        int maxEmbeddingLength,
        int maxRelations,
        int maxIdLength,
        int maxMetadataDepth,
        int maxBatchItems) {

    public static final WriteLimits DEFAULTS = new WriteLimits(64 * 1024, 16 * 1024, 64, 128, 4096, 256, 128, 8, 500);
}
