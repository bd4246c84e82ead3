package dev.maia.cli.server;

import dev.maia.schemas.http.ApiException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding of one URI component, exactly once (issue 12): {@code %2525} is {@code %25}, never
 * {@code %}. In a path segment a {@code +} is a plus (only a query's form encoding makes it a space), and
 * bytes that are not UTF-8 are refused instead of becoming U+FFFD, which could make two ids one.
 */
final class PercentDecoding {
    private PercentDecoding() {
    }

    static String pathSegment(String raw) {
        return decode(raw, false);
    }

    static String queryComponent(String raw) {
        return decode(raw, true);
    }

    private static String decode(String raw, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && (!plusIsSpace || raw.indexOf('+') < 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw malformed(raw);
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isSurrogate(c)) {
                    throw malformed(raw); // Jetty hands over an encoded URI: raw non-ASCII does not occur
                }
                bytes.write(utf8, 0, utf8.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw malformed(raw);
        }
    }

    private static ApiException malformed(String raw) {
        return ApiException.invalidInput("url", "malformed percent-encoding in '" + raw + "'");
    }
}
