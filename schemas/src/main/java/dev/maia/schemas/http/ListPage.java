package dev.maia.schemas.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MAIA's list contract: {@code ?limit&offset} in, {@code {data, count, offset, limit}} out, where
 * {@code count} is the number of items in {@code data} (as MAIA's server answers it). This project adds
 * {@code total}, every item there is, so a client knows when to stop without an empty last page.
 *
 * <p>{@code limit} defaults to 100 and a larger one than 1000 is served as 1000, as MAIA does. Where MAIA
 * quietly falls back to its default (a non-integer) or passes nonsense on (0, a negative number), this
 * answers 400 {@code INVALID_INPUT} naming the parameter: a client that asked for something else should
 * hear so.
 */
public record ListPage(int offset, int limit) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public static ListPage of(HttpRequest request) {
        return new ListPage(integer(request, "offset", 0, 0), Math.min(integer(request, "limit", DEFAULT_LIMIT, 1), MAX_LIMIT));
    }

    /** This page of a whole list. */
    public <T> List<T> of(List<T> all) {
        if (offset >= all.size()) {
            return List.of();
        }
        return all.subList(offset, (int) Math.min(all.size(), (long) offset + limit));
    }

    /** The answer: the page's items and where they sit in {@code total}. */
    public Map<String, Object> answer(List<?> data, int total) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("data", data);
        out.put("count", data.size());
        out.put("offset", offset);
        out.put("limit", limit);
        out.put("total", total);
        return out;
    }

    private static int integer(HttpRequest request, String name, int byDefault, int min) {
        String raw = request.queryParam(name);
        if (raw == null) {
            return byDefault;
        }
        long v;
        try {
            v = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalidInput(name, name + " must be an integer, not '" + raw + "'");
        }
        if (v < min) {
            throw ApiException.invalidInput(name, name + " must be at least " + min);
        }
        return (int) Math.min(v, Integer.MAX_VALUE);
    }
}
