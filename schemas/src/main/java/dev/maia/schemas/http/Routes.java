package dev.maia.schemas.http;

/**
 * Where a service mounts its routes. The process that owns the HTTP endpoint implements it; the write,
 * read and admin services only name their routes, so they run behind any server (or a test's fake).
 */
public interface Routes {
    /** A method that binds every method of a path: an endpoint answered alike whatever the method. */
    String ANY_METHOD = "*";

    /**
     * Binds {@code method} ({@link #ANY_METHOD} for all) on {@code pathTemplate} (segments like {@code {id}}
     * are path parameters). Where several templates match a request, the one with the most literal
     * segments wins ({@code /v1/memories/search} over {@code /v1/memories/{id}}), whatever the order of binding.
     */
    Routes add(String method, String pathTemplate, Access access, Route route);
}
