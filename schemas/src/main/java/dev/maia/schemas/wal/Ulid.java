package dev.maia.schemas.wal;

import java.security.SecureRandom;

/**
 * ULIDs (26 Crockford base32 characters: 48-bit milliseconds, 80 random bits), monotonic within one
 * generator so ids issued in the same millisecond still sort in issue order.
 */
public final class Ulid {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Ulid SHARED = new Ulid();

    private long lastMillis = -1;
    private long randomHigh; // 16 bits
    private long randomLow;  // 64 bits

    public static String next() {
        return SHARED.generate(System.currentTimeMillis());
    }

    synchronized String generate(long millis) {
        if (millis <= lastMillis) {
            randomLow++;
            if (randomLow == 0) {
                randomHigh = (randomHigh + 1) & 0xFFFF;
            }
            millis = lastMillis;
        } else {
            lastMillis = millis;
            randomHigh = RANDOM.nextInt(1 << 16);
            randomLow = RANDOM.nextLong();
        }
        char[] out = new char[26];
        long time = millis;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        // 80 random bits = 16 high + 64 low, written as 16 base32 digits from the least significant end.
        long low = randomLow;
        long high = randomHigh;
        for (int i = 25; i >= 10; i--) {
            out[i] = ALPHABET[(int) (low & 31)];
            low = (low >>> 5) | ((high & 31) << 59);
            high >>>= 5;
        }
        return new String(out);
    }

    public static boolean isValid(String s) {
        if (s == null || s.length() != 26) {
            return false;
        }
        for (char c : s.toCharArray()) {
            if ("0123456789ABCDEFGHJKMNPQRSTVWXYZ".indexOf(c) < 0) {
                return false;
            }
        }
        return s.charAt(0) <= '7';
    }
}
