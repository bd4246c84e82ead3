package dev.maia.schemas.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
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
 *
 * <p>Lists read from the replica store may also be paged by a cursor ({@link #withCursor}): {@code ?cursor}
 * instead of {@code offset}, and {@code next_cursor} in every page that has a next one. A cursor names the
 * last id of the page before, so it walks on past writes and deletes, where an offset shifts; the answer's
 * {@code offset} is still where the page starts.
 *
 * @param after the id a cursor names (pages start after it), or null to page by {@code offset}
 */
public record ListPage(int offset, int limit, String after) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    public static final String CURSOR = "cursor";
    private static final String CURSOR_VERSION = "1:";

    public static ListPage of(HttpRequest request) {
        return new ListPage(integer(request, "offset", 0, 0), Math.min(integer(request, "limit", DEFAULT_LIMIT, 1), MAX_LIMIT), null);
    }

    /** Like {@link #of}, with {@code ?cursor} (not with {@code offset}: a page starts at one or the other). */
    public static ListPage withCursor(HttpRequest request) {
        ListPage page = of(request);
        String raw = request.queryParam(CURSOR);
        if (raw == null) {
            return page;
        }
        if (request.queryParam("offset") != null) {
            throw ApiException.invalidInput(CURSOR, "cursor and offset cannot be combined: a page starts at one or the other");
        }
        return new ListPage(0, page.limit(), decodeCursor(raw));
    }

    /** The cursor of a page ending at {@code lastId}: opaque to clients. */
    public static String cursorAfter(String lastId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((CURSOR_VERSION + lastId).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String raw) {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(raw.trim());
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            if (text.startsWith(CURSOR_VERSION)) {
                return text.substring(CURSOR_VERSION.length());
            }
        } catch (IllegalArgumentException | CharacterCodingException e) {
            // Answered below, as any other cursor this server did not hand out.
        }
        throw ApiException.invalidInput(CURSOR, "cursor '" + raw + "' is not one this server handed out (use next_cursor of a page as it is)");
    }

    /** Where this page starts in a whole sorted list of ids: {@code offset}, or just after the cursor's id. */
    public int start(List<String> sortedIds) {
        if (after == null) {
            return offset;
        }
        int i = Collections.binarySearch(sortedIds, after);
        return i >= 0 ? i + 1 : -i - 1;
    }

    /** The page of a whole list that starts at {@code start}. */
    public <T> List<T> from(List<T> all, int start) {
        if (start >= all.size()) {
            return List.of();
        }
        return all.subList(start, (int) Math.min(all.size(), (long) start + limit));
    }

    /**
     * The answer of a list that can be paged by cursor: as {@link #answer}, with the page's real start as
     * {@code offset} and, unless this page ends the list, {@code next_cursor} after its last id.
     */
    public Map<String, Object> answer(List<?> data, List<String> pageIds, int start, int total) {
        Map<String, Object> out = answer(data, total);
        out.put("offset", start);
        if (!pageIds.isEmpty() && (long) start + pageIds.size() < total) {
            out.put("next_cursor", cursorAfter(pageIds.get(pageIds.size() - 1)));
        }
        return out;
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
