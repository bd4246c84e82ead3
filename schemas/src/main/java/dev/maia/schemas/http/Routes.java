package dev.maia.schemas.http;

/**
 * Where a service mounts its routes. The process that owns the HTTP endpoint implements it; the write,
 * read and admin services only name their routes, so they run behind any server (or a test's fake).
 */
public interface Routes {
    /** Binds {@code method} on {@code pathTemplate} (segments like {@code {id}} are path parameters). */
    Routes add(String method, String pathTemplate, Access access, Route route);
}
