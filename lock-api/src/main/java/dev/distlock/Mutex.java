package dev.distlock;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A distributed, reentrant mutual-exclusion lock, usable wherever a {@link Lock} is.
 *
 * <p>The owner is the pair (client, thread): a thread that holds the lock may take it again
 * without a round trip, and must call {@link #unlock()} as many times as it locked. A thread
 * that does not hold it gets {@link IllegalMonitorStateException} from {@code unlock()}, and
 * nobody else's lock is touched.
 *
 * <p>Leases: {@link #lock()}, {@link #tryLock()}, {@link #tryLock(Duration)} and
 * {@link #acquire(Duration)} take the lock with the client's lease
 * ({@link LockConfig#leaseTime()}), which the watchdog renews while the lock is held. The
 * variants that take a {@code lease} argument take a fixed lease that is never renewed: once it
 * has run out, {@link #isHeldByCurrentThread()} is false and {@code unlock()} throws
 * {@link LockLostException}. If a renewal is refused or cannot reach the store before the lease
 * ends, the hold is marked lost, listeners fire, and {@code unlock()} throws
 * {@link LockLostException}.
 *
 * <p>Waits: a zero wait tries once; waiting never spins on the store; an interrupted wait
 * leaves nothing held or queued.
 *
 * <p>Thread-safe; a handle may be shared by any number of threads.
 */
public interface Mutex extends Lock {
    /**
     * Returns the lock name.
     *
     * @return the name given to {@link LockClient#mutex(String)}
     */
    String name();

    /**
     * Takes the lock, waiting as long as it takes, with a watchdog-renewed lease. An interrupt
     * does not end the wait; the thread's interrupt status is set again when the lock is taken.
     *
     * @throws BackendUnavailableException if the store cannot be reached
     * @throws LockLostException if this thread still has a lost hold on this lock that it has
     *         not unlocked
     * @throws IllegalStateException if the client is closed
     */
    @Override
    void lock();

    /**
     * Takes the lock, waiting until it is free or the thread is interrupted, with a
     * watchdog-renewed lease.
     *
     * @throws InterruptedException if the thread is interrupted before or while waiting;
     *         nothing is then held or left queued
     * @throws BackendUnavailableException if the store cannot be reached
     * @throws LockLostException if this thread still has a lost hold on this lock
     * @throws IllegalStateException if the client is closed
     */
    @Override
    void lockInterruptibly() throws InterruptedException;

    /**
     * Tries once to take the lock, with a watchdog-renewed lease.
     *
     * @return whether the lock is now held by this thread
     * @throws BackendUnavailableException if the store cannot be reached
     * @throws LockLostException if this thread still has a lost hold on this lock
     * @throws IllegalStateException if the client is closed
     */
    @Override
    boolean tryLock();

    /**
     * Waits up to {@code time} for the lock, with a watchdog-renewed lease. As {@link Lock}
     * specifies, a time of zero or less tries once.
     *
     * @param time how long to wait
     * @param unit the unit of {@code time}
     * @return whether the lock is now held by this thread
     * @throws InterruptedException if the thread is interrupted; nothing is then held or queued
     * @throws IllegalArgumentException if {@code unit} is null
     * @throws BackendUnavailableException if the store cannot be reached
     * @throws LockLostException if this thread still has a lost hold on this lock
     * @throws IllegalStateException if the client is closed
     */
    @Override
    boolean tryLock(long time, TimeUnit unit) throws InterruptedException;

    /**
     * Waits up to {@code wait} for the lock, with a watchdog-renewed lease.
     *
     * @param wait how long to wait; zero tries once
     * @return whether the lock is now held by this thread
     * @throws InterruptedException if the thread is interrupted; nothing is then held or queued
     * @throws IllegalArgumentException if {@code wait} is null or negative
     * @throws BackendUnavailableException if the store cannot be reached
     * @throws LockLostException if this thread still has a lost hold on this lock
     * @throws IllegalStateException if the client is closed
     */
    boolean tryLock(Duration wait) throws InterruptedException;

    /**
     * Waits up to {@code wait} for the lock, with a fixed lease that is not renewed. Re-entering
     * a lock already held keeps the lease of the first hold.
     *
     * @param wait how long to wait; zero tries once
     * @param lease how long the lock is held at most
     * @return whether the lock is now held by this thread
     * @throws InterruptedException if the thread is interrupted; nothing is then held or queued
     * @throws IllegalArgumentException if {@code wait} is null or negative, or {@code lease} is
     *         null, shorter than 1 ms or longer than {@link LockConfig#MAX_LEASE}
     * @throws BackendUnavailableException if the store cannot be reached
     * @throws LockLostException if this thread still has a lost hold on this lock
     * @throws IllegalStateException if the client is closed
     */
    boolean tryLock(Duration wait, Duration lease) throws InterruptedException;

    /**
     * Waits up to {@code wait} for the lock, with a watchdog-renewed lease, and returns the hold
     * as a {@link Lease} for try-with-resources.
     *
     * @param wait how long to wait; zero tries once
     * @return the lease; closing it unlocks once
     * @throws LockAcquisitionException if the wait ended without the lock
     * @throws LockInterruptedException if the thread was interrupted (its interrupt status is
     *         set again); nothing is then held or queued
     * @throws IllegalArgumentException if {@code wait} is null or negative
     * @throws BackendUnavailableException if the store cannot be reached
     * @throws LockLostException if this thread still has a lost hold on this lock
     * @throws IllegalStateException if the client is closed
     */
    Lease acquire(Duration wait);

    /**
     * Waits up to {@code wait} for the lock, with a fixed lease, and returns the hold as a
     * {@link Lease}.
     *
     * @param wait how long to wait; zero tries once
     * @param lease how long the lock is held at most
     * @return the lease; closing it unlocks once
     * @throws LockAcquisitionException if the wait ended without the lock
     * @throws LockInterruptedException if the thread was interrupted (its interrupt status is
     *         set again); nothing is then held or queued
     * @throws IllegalArgumentException if {@code wait} is null or negative, or {@code lease} is
     *         null, shorter than 1 ms or longer than {@link LockConfig#MAX_LEASE}
     * @throws BackendUnavailableException if the store cannot be reached
     * @throws LockLostException if this thread still has a lost hold on this lock
     * @throws IllegalStateException if the client is closed
     */
    Lease acquire(Duration wait, Duration lease);

    /**
     * Releases one hold of this thread. The lock is released on the store when the hold count
     * reaches zero.
     *
     * @throws IllegalMonitorStateException if this thread does not hold the lock
     * @throws LockLostException if the hold had been lost; the hold count still goes down, and
     *         at zero the local hold is gone
     * @throws BackendUnavailableException if the store could not be reached to release; the
     *         local hold is gone and the remote lease is left to run out
     */
    @Override
    void unlock();

    /**
     * Tells whether this thread holds the lock with a lease that is still valid, as far as the
     * client knows (no round trip).
     *
     * @return whether this thread holds the lock
     */
    boolean isHeldByCurrentThread();

    /**
     * Returns how many times this thread holds the lock (0 if it does not). A lost hold still
     * counts until it is unlocked.
     *
     * @return the hold count
     */
    int getHoldCount();

    /**
     * Asks the store whether anybody holds the lock.
     *
     * @return whether the lock is held by any owner
     * @throws BackendUnavailableException if the store cannot be reached
     * @throws IllegalStateException if the client is closed
     */
    boolean isLocked();

    /**
     * Returns the fencing token of this thread's hold: strictly greater than the token of every
     * earlier hold of this name, the same across re-entry.
     *
     * @return the fencing token
     * @throws IllegalMonitorStateException if this thread does not hold the lock
     */
    long fencingToken();

    /**
     * Not supported: distributed conditions are not offered.
     *
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    default Condition newCondition() {
        throw new UnsupportedOperationException("distributed locks do not support conditions");
    }
}
