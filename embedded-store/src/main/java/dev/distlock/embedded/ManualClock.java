package dev.distlock.embedded;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link StoreClock} that moves only when told to, for tests of expiry and leases.
 *
 * <p>Thread-safe: reads and moves are atomic. After moving a server's clock, keys are
 * logically expired at once (lazy expiry on access); the server's active expiry cycle removes
 * them within about 100 ms, or at once through {@link RedisFaults#advanceClock(Duration)}.
 */
public final class ManualClock implements StoreClock {
    private final AtomicLong micros;

    /**
     * Creates a clock showing {@code start}.
     *
     * @param start the initial time
     * @throws NullPointerException if {@code start} is null
     */
    public ManualClock(Instant start) {
        Objects.requireNonNull(start, "start");
        this.micros = new AtomicLong(start.getEpochSecond() * 1_000_000L + start.getNano() / 1000);
    }

    /** Creates a clock showing the current system time, which then stands still. */
    public ManualClock() {
        this(Instant.now());
    }

    @Override
    public long currentTimeMillis() {
        return Math.floorDiv(micros.get(), 1000L);
    }

    @Override
    public long currentTimeMicros() {
        return micros.get();
    }

    /**
     * Moves the clock forward (or back, for a negative amount).
     *
     * @param amount how far to move
     * @return this clock
     * @throws NullPointerException if {@code amount} is null
     */
    public ManualClock advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        micros.addAndGet(amount.toNanos() / 1000L);
        return this;
    }

    /**
     * Sets the clock to a given instant.
     *
     * @param now the new time
     * @return this clock
     * @throws NullPointerException if {@code now} is null
     */
    public ManualClock set(Instant now) {
        Objects.requireNonNull(now, "now");
        micros.set(now.getEpochSecond() * 1_000_000L + now.getNano() / 1000);
        return this;
    }

    @Override
    public String toString() {
        return "ManualClock[" + Instant.ofEpochMilli(currentTimeMillis()) + "]";
    }
}
