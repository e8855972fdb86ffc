package dev.distlock.spi;

import java.util.concurrent.CompletableFuture;

/**
 * What a backend implements, besides {@link LockDriver}, to keep the terms of
 * {@link dev.distlock.LockClient#leaderElection(String) leader elections} in a key or node space
 * of their own. A term is a mutex hold of the group: one holder at a time while its lease is
 * valid, a fencing token greater than every earlier term's of the group, waits that never spin.
 * What this interface adds is the place: the store must keep a group's term where no name given
 * to {@link LockDriver}, {@link ReadWriteLockDriver} or {@link SemaphoreDriver} can reach (a key
 * suffix after the Redis hash tag, a parent node of its own), so that a user's lock of any name
 * never blocks, or is blocked by, an election.
 *
 * <p>A driver that does not implement it still gets leader elections: their terms are then
 * mutexes of the driver under the group's name plus a reserved suffix, which a lock of exactly
 * that name would share.
 *
 * <p>Futures follow {@link LockDriver}'s rules (a {@code null} grant when the wait is over,
 * cancellation withdraws the waiter and gives back a late grant). The shared front does
 * re-entry, the watchdog, loss reporting and interrupts, as for mutexes.
 *
 * <p>Implementations must be thread-safe.
 */
public interface ElectionDriver {
    /**
     * Acquires the term of {@code request.name()} (the group) for {@code request.ownerId()},
     * waiting up to {@code request.waitNanos()} without spinning.
     *
     * @param request what to acquire; its name is the group
     * @return the pending grant, as {@link LockDriver#acquire}
     */
    CompletableFuture<Grant> acquireTerm(AcquireRequest request);

    /**
     * Extends a watchdog lease of a term, if the store still has it.
     *
     * @param term the term's hold
     * @return as {@link LockDriver#renew}
     */
    CompletableFuture<Boolean> renewTerm(HeldLock term);

    /**
     * Ends a term, if the store still has it, and lets the next participant in.
     *
     * @param term the term's hold
     * @return as {@link LockDriver#release}
     */
    CompletableFuture<Boolean> releaseTerm(HeldLock term);
}
