package dev.maia.cli.server;

import dev.maia.schemas.http.ApiException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty gives by itself (a request it could not parse: 400; a URI too long: 414; headers too
 * large: 431; ...) in MAIA's shape {@code {error, code}}, so that a client reads every refusal the same way.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final FrontDoorHandler.Rejections rejections;

    JsonErrorHandler(FrontDoorHandler.Rejections rejections) {
        this.rejections = rejections;
    }

    /** Jetty writes a body only for GET, POST and HEAD by default; a refused PUT or DELETE needs its {error, code} too. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
                                    Callback callback) {
        String code = code(status);
        if (status >= 400 && status < 500) {
            rejections.count(code.toLowerCase(java.util.Locale.ROOT));
        }
        String text = message == null || message.isBlank() ? "HTTP " + status : message;
        FrontDoorHandler.send(response, callback, HttpRouter.error(new ApiException(status, code, text, null)));
    }

    static String code(int status) {
        return switch (status) {
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 408 -> "REQUEST_TIMEOUT";
            case 414 -> "URI_TOO_LONG";
            case 431 -> "HEADERS_TOO_LARGE";
            case 503 -> "OVERLOADED";
            default -> status >= 500 ? "INTERNAL_ERROR" : "INVALID_INPUT";
        };
    }
}
