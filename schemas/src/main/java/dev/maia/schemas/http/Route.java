package dev.maia.schemas.http;

/** One handler of one method and path template such as {@code /v1/memories/{id}}. */
@FunctionalInterface
public interface Route {
    HttpResponse handle(HttpRequest request) throws Exception;
}
