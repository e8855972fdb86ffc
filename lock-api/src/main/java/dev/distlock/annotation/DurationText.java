package dev.distlock.annotation;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations of {@link DistributedLock}: {@code "500ms"}, {@code "2s"}, {@code "PT2S"}. */
final class DurationText {
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,18})\\s*(ns|us|µs|ms|s|m|h|d)");

    private DurationText() {
    }

    /**
     * Parses a duration.
     *
     * @return the duration, or null for an empty text
     * @throws IllegalArgumentException if the text is not a duration or is negative
     */
    static Duration parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return null;
        }
        Matcher m = SIMPLE.matcher(t.toLowerCase(Locale.ROOT));
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            try {
                switch (m.group(2)) {
                    case "ns" -> d = Duration.ofNanos(n);
                    case "us", "µs" -> d = Duration.ofNanos(Math.multiplyExact(n, 1000L));
                    case "ms" -> d = Duration.ofMillis(n);
                    case "s" -> d = Duration.ofSeconds(n);
                    case "m" -> d = Duration.ofMinutes(n);
                    case "h" -> d = Duration.ofHours(n);
                    default -> d = Duration.ofDays(n);
                }
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("'" + text + "' is too long a duration", e);
            }
        } else if (t.length() > 1 && (t.charAt(0) == 'P' || t.charAt(0) == 'p'
                || (t.charAt(0) == '-' || t.charAt(0) == '+') && (t.charAt(1) == 'P' || t.charAt(1) == 'p'))) {
            try {
                d = Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(notADuration(text), e);
            }
        } else {
            throw new IllegalArgumentException(notADuration(text));
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("'" + text + "' is negative");
        }
        return d;
    }

    private static String notADuration(String text) {
        return "'" + text + "' is not a duration (write e.g. \"500ms\", \"2s\", \"1m\", \"1h\" or ISO-8601 \"PT2S\")";
    }
}
