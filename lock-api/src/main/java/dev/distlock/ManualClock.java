package dev.distlock;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LockClock} that moves only when told to. Use it in tests to make leases run out or
 * renewals fall due without waiting: {@link #advance(Duration)} moves the clock and wakes the
 * components that wait for a moment of it (the lease renewer, the {@code memory://} store).
 *
 * <p>Thread-safe.
 */
public final class ManualClock implements LockClock {
    private final AtomicLong nanos;
    private final AtomicLong wallMillis;
    private final List<Runnable> jumpListeners = new CopyOnWriteArrayList<>();

    /** Creates a clock that starts at nanoTime 0 and the current wall-clock time. */
    public ManualClock() {
        this.nanos = new AtomicLong();
        this.wallMillis = new AtomicLong(System.currentTimeMillis());
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long currentTimeMillis() {
        return wallMillis.get();
    }

    @Override
    public void onJump(Runnable onJump) {
        jumpListeners.add(Objects.requireNonNull(onJump, "onJump"));
    }

    /**
     * Moves the clock forward and runs the jump callbacks on the calling thread.
     *
     * @param amount how far to move
     * @throws IllegalArgumentException if {@code amount} is null or negative
     */
    public void advance(Duration amount) {
        if (amount == null || amount.isNegative()) {
            throw new IllegalArgumentException("amount must be zero or positive, was " + amount);
        }
        nanos.addAndGet(amount.toNanos());
        wallMillis.addAndGet(amount.toMillis());
        for (Runnable listener : jumpListeners) {
            listener.run();
        }
    }
}
