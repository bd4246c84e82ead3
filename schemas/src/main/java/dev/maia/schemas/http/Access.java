package dev.maia.schemas.http;

/** Who may call a route. */
public enum Access {
    /** Anyone: health and metrics. */
    PUBLIC,
    /** A tenant's key; the route acts for that tenant only. */
    TENANT,
    /** The admin key. */
    ADMIN
}
