package dev.distlock.bench;

/**
 * One client of one contender (one "application"), seen through the two calls every benchmark
 * needs. Threads that share a client share one adapter; "a client per thread" means an adapter
 * per thread. Names are plain strings; each adapter maps them onto its own key or path layout.
 *
 * <p>Implementations are thread-safe: any thread may lock any name, and {@link #unlock} is
 * called by the thread that locked, as {@link java.util.concurrent.locks.Lock} requires.
 */
public interface LockAdapter extends AutoCloseable {
    /**
     * Acquires the lock {@code name} for the calling thread, waiting as long as it takes. A
     * reentrant contender lets the holder call it again (the hold count goes up).
     *
     * @param name the lock name
     * @throws RuntimeException whatever the library throws (the benchmark counts it as an error)
     */
    void lock(String name);

    /**
     * Acquires the lock {@code name} for the calling thread if it can within {@code wait}
     * (used to prime clients without leaving a thread blocked for ever). Adapters of a library
     * with a timed acquire use it; the default (floors) just calls {@link #lock}.
     *
     * @param name the lock name
     * @param wait how long to wait at most
     * @return whether the lock was acquired (then release it with {@link #unlock})
     * @throws RuntimeException whatever the library throws
     */
    default boolean tryLock(String name, java.time.Duration wait) {
        lock(name);
        return true;
    }

    /**
     * Releases one hold of {@code name} by the calling thread.
     *
     * @param name the lock name
     * @throws RuntimeException whatever the library throws, for example
     *                          {@link IllegalMonitorStateException} if the thread holds nothing
     */
    void unlock(String name);

    /**
     * Returns whether {@link #lock} may be called again by the holder (floors are not locks).
     *
     * @return true if reentrant
     */
    default boolean supportsReentry() {
        return true;
    }

    /** Closes the client and its connections; idempotent. */
    @Override
    void close();
}
