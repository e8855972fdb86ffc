package dev.distlock;

/**
 * The source of time for leases, renewals and drift arithmetic. Inject a {@link ManualClock}
 * through {@link LockConfig.Builder#clock(LockClock)} to test lease logic without waiting.
 *
 * <p>Waits ({@code tryLock(wait)}) are measured in real time whatever the clock, so that a
 * manual clock never blocks a thread forever.
 *
 * <p>Implementations must be thread-safe.
 */
public interface LockClock {
    /**
     * Returns a monotonic reading in nanoseconds, comparable only with other readings of the
     * same clock (as {@link System#nanoTime()}).
     *
     * @return the current reading
     */
    long nanoTime();

    /**
     * Returns wall-clock time in milliseconds since the epoch.
     *
     * @return the current wall-clock time
     */
    long currentTimeMillis();

    /**
     * Registers a callback run whenever this clock jumps forward by other means than the
     * passing of real time, so that components waiting for a moment can look again.
     * The system clock never jumps, so its implementation does nothing.
     *
     * @param onJump the callback; runs on the thread that moved the clock
     * @throws NullPointerException if {@code onJump} is null
     */
    default void onJump(Runnable onJump) {
        java.util.Objects.requireNonNull(onJump, "onJump");
    }

    /**
     * Returns the clock of the JVM ({@link System#nanoTime()} and
     * {@link System#currentTimeMillis()}).
     *
     * @return the shared system clock
     */
    static LockClock system() {
        return SystemClock.INSTANCE;
    }
}

/** The JVM's clock. */
enum SystemClock implements LockClock {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
        return System.currentTimeMillis();
    }
}
