package dev.distlock.bench;

import java.time.Duration;

/**
 * One client of one contender (one "application"), seen through the coordination primitives
 * the coordination scenarios need: the two sides of a read-write lock, permits of a semaphore,
 * and participants of a leader election. A contender offers only some of them
 * ({@link CoordinationAdapters#supports(Contender, Scenario)}); the others throw
 * {@link UnsupportedOperationException}.
 *
 * <p>Implementations are thread-safe: any thread may lock any name; unlocks and releases are
 * made by the thread that acquired, as {@link java.util.concurrent.locks.Lock} requires.
 */
public interface CoordinationAdapter extends AutoCloseable {
    /**
     * Takes the read side of the read-write lock {@code name}, waiting as long as it takes.
     *
     * @param name the lock name
     * @throws RuntimeException whatever the library throws (counted as an error)
     */
    void readLock(String name);

    /**
     * Releases the read side of {@code name} held by the calling thread.
     *
     * @param name the lock name
     * @throws RuntimeException whatever the library throws
     */
    void readUnlock(String name);

    /**
     * Takes the write side of the read-write lock {@code name}, waiting as long as it takes.
     *
     * @param name the lock name
     * @throws RuntimeException whatever the library throws
     */
    void writeLock(String name);

    /**
     * Releases the write side of {@code name} held by the calling thread.
     *
     * @param name the lock name
     * @throws RuntimeException whatever the library throws
     */
    void writeUnlock(String name);

    /**
     * Takes one permit of the semaphore {@code name} of {@code permits} permits, waiting as long
     * as it takes.
     *
     * @param name the semaphore name
     * @param permits the semaphore's number of permits (the same for every caller of a name)
     * @return what {@link #releasePermit} needs to give the permit back
     * @throws RuntimeException whatever the library throws
     */
    Object acquirePermit(String name, int permits);

    /**
     * Gives back a permit taken by {@link #acquirePermit}, on the thread that took it.
     *
     * @param name the semaphore name
     * @param permit what {@link #acquirePermit} returned
     * @throws RuntimeException whatever the library throws
     */
    void releasePermit(String name, Object permit);

    /**
     * Makes a participant of the leader election {@code group} on this client; it competes once
     * {@linkplain Participant#join joined}.
     *
     * @param group the group
     * @return the participant
     * @throws RuntimeException whatever the library throws
     */
    Participant participant(String group);

    /** Closes the client and its connections; idempotent. */
    @Override
    void close();

    /** One participant of a leader election. Thread-safe. */
    interface Participant {
        /**
         * Starts competing; returns at once. {@code onGained} runs (on any thread) each time this
         * participant becomes leader, as soon as the library says so.
         *
         * @param onGained called on every gain of leadership
         */
        void join(Runnable onGained);

        /**
         * Tells whether this participant leads now, as far as its client knows.
         *
         * @return whether it is leader
         */
        boolean isLeader();

        /**
         * Gives up leadership and leaves the election; returns once the library has given the
         * leadership back (another participant may take over from then on).
         */
        void resign();

        /**
         * Waits up to {@code wait} until this participant leads.
         *
         * @param wait how long to wait
         * @return whether it leads
         * @throws InterruptedException if interrupted
         */
        boolean awaitLeadership(Duration wait) throws InterruptedException;
    }
}
