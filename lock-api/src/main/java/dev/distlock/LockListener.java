package dev.distlock;

/**
 * Observes the locks of one {@link LockClient}: acquisitions with their wait time, releases with
 * their hold time, failed acquisitions and lost leases. Register one with
 * {@link LockClient#addListener(LockListener)}; the Micrometer binder in {@code distlock-micrometer}
 * is one.
 *
 * <p>Only transitions of the lock are reported: a thread re-entering a lock it holds, and the
 * matching inner {@code unlock()}, fire nothing.
 *
 * <p>Threads: {@link #acquired}, {@link #acquireFailed} and {@link #released} are called on the
 * thread that locked or unlocked, synchronously, so they must be quick and must not block (record
 * a metric, not a network call). {@link #leaseLost} is called on the client's event thread, as
 * every {@link LeaseLostListener} is. An exception thrown by a listener is logged and does not
 * reach the caller. The arguments are primitives and existing objects: a client with listeners
 * allocates nothing more to tell them, and a client without listeners only reads the clock once
 * per acquisition (for hold times) and one volatile field per event.
 *
 * <p>Every method has an empty default, so a listener overrides only what it needs.
 * Implementations must be thread-safe.
 */
public interface LockListener extends LeaseLostListener {
    /**
     * Called when the current thread took a lock that it did not hold.
     *
     * @param lockName the lock name
     * @param fencingToken the fencing token of the new hold
     * @param waitNanos how long the acquisition took, in nanoseconds of real time
     */
    default void acquired(String lockName, long fencingToken, long waitNanos) {
    }

    /**
     * Called when an acquisition by the current thread ended without the lock.
     *
     * @param lockName the lock name
     * @param failure why it ended
     * @param waitNanos how long the attempt took, in nanoseconds of real time
     * @param cause the exception the caller gets ({@link InterruptedException},
     *        {@link BackendUnavailableException}, ...), or {@code null} for
     *        {@link AcquireFailure#TIMED_OUT}
     */
    default void acquireFailed(String lockName, AcquireFailure failure, long waitNanos, Throwable cause) {
    }

    /**
     * Called when the current thread's last {@code unlock()} of a hold ended it (the hold count
     * reached zero), whether the store confirmed the release or the hold had been lost
     * (a loss is also reported to {@link #leaseLost}).
     *
     * @param lockName the lock name
     * @param fencingToken the fencing token of the hold
     * @param holdNanos how long the lock was held, in nanoseconds of real time
     */
    default void released(String lockName, long fencingToken, long holdNanos) {
    }

    /**
     * Called on the client's event thread when a hold was lost. Do not also register this
     * listener with {@link LockClient#addLeaseLostListener}, or it hears of each loss twice.
     *
     * @param event what was lost and why
     */
    @Override
    default void leaseLost(LeaseLostEvent event) {
    }
}
