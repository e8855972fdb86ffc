package dev.distlock.tests.safety;

import java.time.Instant;

/**
 * Wall-clock time in microseconds since the epoch: the one clock every process of a run on this
 * machine shares ({@code System.nanoTime()} is not comparable across JVMs). Used for the
 * human-readable parts of a history and for the checker's time-based token rule, with the margin
 * given there. Thread-safe.
 */
public final class Micros {
    private Micros() {
    }

    /**
     * Returns the current wall-clock time.
     *
     * @return microseconds since 1970-01-01T00:00Z
     */
    public static long now() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }
}
