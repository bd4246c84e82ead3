package dev.maia.schemas.wal;

import dev.maia.schemas.wal.registry.ApicurioWalCodec;

import java.util.Optional;

/** The one place that chooses the WAL codec: registry-backed when a registry URL is configured. */
public final class WalCodecs {
    private WalCodecs() {
    }

    /**
     * @param registryUrl the Apicurio Registry URL (v2 API); empty or blank selects the registry-less
     *                    {@link SingleObjectWalCodec}
     * @return a {@link SingleObjectWalCodec}, or an {@link ApicurioWalCodec} (which the caller should
     *         close when done, see {@link #close(WalCodec)})
     */
    public static WalCodec forRegistry(Optional<String> registryUrl) {
        return registryUrl.map(String::trim).filter(url -> !url.isEmpty())
                .<WalCodec>map(ApicurioWalCodec::new)
                .orElseGet(SingleObjectWalCodec::new);
    }

    /** Releases what a codec holds (the registry client), whichever codec it is. */
    public static void close(WalCodec codec) {
        if (codec instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("cannot close WAL codec", e);
            }
        }
    }
}
