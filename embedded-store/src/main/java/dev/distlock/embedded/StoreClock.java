package dev.distlock.embedded;

/**
 * The time source of an {@link EmbeddedRedisServer}: key expiry, TTL replies, {@code TIME},
 * {@code SET … EXAT} and blocking-command timeouts all read it. Like Redis, the server uses wall
 * clock time in milliseconds since the epoch, so a clock jump moves every deadline at once.
 *
 * <p>Implementations must be thread-safe; the server reads the clock from its command thread
 * and tests may change it from any thread.
 */
@FunctionalInterface
public interface StoreClock {
    /**
     * Returns the current time.
     *
     * @return milliseconds since 1970-01-01T00:00:00Z
     */
    long currentTimeMillis();

    /**
     * Returns the current time in microseconds (for {@code TIME}). The default derives it from
     * {@link #currentTimeMillis()}.
     *
     * @return microseconds since 1970-01-01T00:00:00Z
     */
    default long currentTimeMicros() {
        return currentTimeMillis() * 1000L;
    }

    /**
     * Returns the system clock.
     *
     * @return a clock reading {@link System#currentTimeMillis()}; thread-safe, stateless
     */
    static StoreClock system() {
        return SystemClock.INSTANCE;
    }

    /** The system clock. */
    enum SystemClock implements StoreClock {
        /** The only instance. */
        INSTANCE;

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public long currentTimeMicros() {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        }
    }
}
