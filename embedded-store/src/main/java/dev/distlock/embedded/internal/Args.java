package dev.distlock.embedded.internal;

import java.nio.charset.StandardCharsets;

/** Argument parsing with Redis's rules (string2ll, strtod as Redis checks it). */
final class Args {
    private Args() {
    }

    /** @return the bytes as a Java string (UTF-8, invalid bytes replaced) */
    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** @return UTF-8 bytes */
    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** @return whether {@code b} equals the lower-case ASCII word {@code lower}, ignoring case */
    static boolean is(byte[] b, String lower) {
        int n = lower.length();
        if (b.length != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = b[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** @return the argument lower-cased (ASCII) as a string */
    static String lower(byte[] b) {
        char[] c = new char[b.length];
        for (int i = 0; i < b.length; i++) {
            int x = b[i] & 0xff;
            c[i] = (char) (x >= 'A' && x <= 'Z' ? x + 32 : x);
        }
        return new String(c);
    }

    /** Shortens a text for an error message, as Redis does for unknown commands. */
    static String printable(String s, int max) {
        String t = s.length() > max ? s.substring(0, max) : s;
        StringBuilder sb = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char ch = t.charAt(i);
            sb.append(ch == '\r' || ch == '\n' ? ' ' : ch);
        }
        return sb.toString();
    }

    /** Whether the bytes are a valid string2ll integer. */
    static boolean isLong(byte[] b) {
        long v = parseLongOrMin(b, 0, b.length);
        return v != Long.MIN_VALUE || isMinLong(b, 0, b.length);
    }

    /**
     * Parses with string2ll rules: optional '-', no '+', no leading zeros, no spaces, at most
     * 20 characters, within the range of a long.
     *
     * @throws RedisError {@link Errors#NOT_INTEGER} if not an integer in range
     */
    static long toLong(byte[] b) {
        long v = parseLongOrMin(b, 0, b.length);
        if (v == Long.MIN_VALUE && !isMinLong(b, 0, b.length)) {
            throw Errors.NOT_INTEGER;
        }
        return v;
    }

    static boolean isMinLong(byte[] b, int off, int len) {
        byte[] m = MIN_LONG;
        if (len != m.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[off + i] != m[i]) {
                return false;
            }
        }
        return true;
    }

    private static final byte[] MIN_LONG = bytes(Long.toString(Long.MIN_VALUE));

    /** @return the value, or Long.MIN_VALUE when invalid (ambiguous with the real minimum) */
    static long parseLongOrMin(byte[] b, int off, int len) {
        if (len == 0 || len > 20) {
            return Long.MIN_VALUE;
        }
        if (len == 1 && b[off] == '0') {
            return 0;
        }
        int i = off;
        int end = off + len;
        boolean neg = false;
        if (b[i] == '-') {
            neg = true;
            i++;
            if (i == end) {
                return Long.MIN_VALUE;
            }
        }
        int c = b[i];
        if (c < '1' || c > '9') {
            return Long.MIN_VALUE;
        }
        // accumulate negatively so that Long.MIN_VALUE fits
        long acc = -(c - '0');
        i++;
        for (; i < end; i++) {
            c = b[i];
            if (c < '0' || c > '9') {
                return Long.MIN_VALUE;
            }
            if (acc < -922337203685477580L) {
                return Long.MIN_VALUE;
            }
            acc *= 10;
            int d = c - '0';
            if (acc < Long.MIN_VALUE + d) {
                return Long.MIN_VALUE;
            }
            acc -= d;
        }
        if (neg) {
            return acc;
        }
        if (acc == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        return -acc;
    }

    /**
     * Parses an int argument (string2ll, then range-checked).
     *
     * @throws RedisError {@link Errors#NOT_INTEGER} if invalid or out of int range
     */
    static int toInt(byte[] b) {
        long v = toLong(b);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw Errors.NOT_INTEGER;
        }
        return (int) v;
    }

    /**
     * Parses a double as Redis's getDoubleFromObject does (strtod over the whole string, no
     * spaces, no NaN, no overflow or underflow; inf/infinity with an optional sign).
     *
     * @return the value, or NaN if invalid
     */
    static double parseDouble(byte[] b) {
        int n = b.length;
        if (n == 0 || n > 256) {
            return Double.NaN;
        }
        int i = 0;
        boolean neg = false;
        if (b[0] == '+' || b[0] == '-') {
            neg = b[0] == '-';
            i = 1;
        }
        int rest = n - i;
        if (rest == 3 || rest == 8) {
            String word = lower(java.util.Arrays.copyOfRange(b, i, n));
            if (word.equals("inf") || word.equals("infinity")) {
                return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
        }
        boolean nonZeroDigit = false;
        boolean digit = false;
        for (int j = i; j < n; j++) {
            int c = b[j];
            if (c >= '0' && c <= '9') {
                digit = true;
                if (c != '0') {
                    nonZeroDigit = true;
                }
            } else if (c == 'e' || c == 'E') {
                // digits after the exponent do not count as mantissa digits
                for (int k = j + 1; k < n; k++) {
                    int d = b[k];
                    if (!((d >= '0' && d <= '9') || ((d == '+' || d == '-') && k == j + 1))) {
                        return Double.NaN;
                    }
                }
                break;
            } else if (c != '.') {
                return Double.NaN;
            }
        }
        if (!digit) {
            return Double.NaN;
        }
        double v;
        try {
            v = Double.parseDouble(new String(b, 0, n, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
        if (Double.isInfinite(v) || (v == 0.0 && nonZeroDigit)) {
            return Double.NaN;
        }
        return v;
    }

    /**
     * @throws RedisError {@code error} if not a valid double
     */
    static double toDouble(byte[] b, RedisError error) {
        double d = parseDouble(b);
        if (Double.isNaN(d)) {
            throw error;
        }
        return d;
    }

    /**
     * Formats a double as Redis 7.0 does ({@code %.17g}; inf, -inf, nan).
     *
     * @return the text
     */
    static String formatDouble(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e17) {
            return Long.toString((long) d);
        }
        java.math.BigDecimal bd = new java.math.BigDecimal(d).round(new java.math.MathContext(17, java.math.RoundingMode.HALF_EVEN));
        // exponent of the first significant digit
        int exp = bd.precision() - bd.scale() - 1;
        if (exp < -4 || exp >= 17) {
            java.math.BigDecimal unscaled = bd.movePointLeft(exp).stripTrailingZeros();
            String mant = unscaled.toPlainString();
            String sign = exp < 0 ? "-" : "+";
            int ae = Math.abs(exp);
            return mant + "e" + sign + (ae < 10 ? "0" : "") + ae;
        }
        String s = bd.stripTrailingZeros().toPlainString();
        return s;
    }
}
