package dev.distlock.spi;

import java.util.concurrent.CompletableFuture;

/**
 * What a backend implements, besides {@link LockDriver}, to offer
 * {@link dev.distlock.LockClient#readWriteLock(String)}: the remote part of read and write holds.
 * A {@link LockDriver} that also implements this interface gets read-write locks from
 * {@link LockDrivers#newClient}; the shared front does re-entry, the watchdog, loss reporting,
 * interrupts, argument checks and the upgrade check, as for mutexes.
 *
 * <p>The store must grant:
 * <ul>
 * <li>a write hold only when nobody holds the name (neither reader nor writer);</li>
 * <li>a read hold when no writer holds it and no writer waits (so writers are not starved), or
 *     at once when the writer is the requesting owner itself (a downgrade).</li>
 * </ul>
 * Each grant's fencing token is greater than every earlier one of the name, reads and writes
 * alike. Futures follow {@link LockDriver}'s rules (a {@code null} grant when the wait is over,
 * cancellation withdraws the waiter and gives back a late grant).
 *
 * <p>Implementations must be thread-safe.
 */
public interface ReadWriteLockDriver {
    /** The side of a read-write lock. */
    enum Mode {
        /** Shared. */
        READ,
        /** Exclusive. */
        WRITE
    }

    /**
     * Acquires a read or write hold for {@code request.ownerId()}, waiting up to
     * {@code request.waitNanos()} without spinning.
     *
     * @param mode the side
     * @param request what to acquire; its name is the read-write lock's name
     * @return the pending grant, as {@link LockDriver#acquire}
     */
    CompletableFuture<Grant> acquire(Mode mode, AcquireRequest request);

    /**
     * Extends a watchdog lease of a hold, if the store still has it.
     *
     * @param mode the side
     * @param lock the hold
     * @return as {@link LockDriver#renew}
     */
    CompletableFuture<Boolean> renew(Mode mode, HeldLock lock);

    /**
     * Releases a hold, if the store still has it, and lets waiters in.
     *
     * @param mode the side
     * @param lock the hold
     * @return as {@link LockDriver#release}
     */
    CompletableFuture<Boolean> release(Mode mode, HeldLock lock);

    /**
     * Asks whether any reader ({@code READ}) or a writer ({@code WRITE}) holds the name.
     *
     * @param mode the side
     * @param name the read-write lock's name
     * @return whether it is held on that side
     */
    CompletableFuture<Boolean> isLocked(Mode mode, String name);
}
