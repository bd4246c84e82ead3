package dev.maia.schemas.http;

/** Who may call a route. */
public enum Access {
    /** Anyone: health (and a loopback management listener's metrics without a metrics key). */
    PUBLIC,
    /** The metrics key, or the admin key where the endpoint has one: /metrics names every tenant and its volume. */
    METRICS,
    /** A tenant's key; the route acts for that tenant only. */
    TENANT,
    /** The admin key. */
    ADMIN
}
