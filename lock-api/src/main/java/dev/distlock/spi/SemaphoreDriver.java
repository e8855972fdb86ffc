package dev.distlock.spi;

import java.util.concurrent.CompletableFuture;

/**
 * What a backend implements, besides {@link LockDriver}, to offer
 * {@link dev.distlock.LockClient#semaphore(String, int)}: the remote part of permit leases.
 * A {@link LockDriver} that also implements this interface gets semaphores from
 * {@link LockDrivers#newClient}; the shared front does the watchdog, loss reporting, interrupts
 * and argument checks, as for mutexes.
 *
 * <p>Each lease has its own owner id ({@link AcquireRequest#ownerId()}, unique per lease) and
 * holds some permits until it is released or its lease ends on the store; a name's leases
 * together hold at most the requester's limit. Waiters are served in arrival order as far as
 * the store allows. Each grant's fencing token is greater than every earlier one of the name.
 * Futures follow {@link LockDriver}'s rules.
 *
 * <p>Implementations must be thread-safe.
 */
public interface SemaphoreDriver {
    /**
     * Acquires {@code permits} permits under one lease for {@code request.ownerId()}, waiting up
     * to {@code request.waitNanos()} without spinning.
     *
     * @param request what to acquire; its name is the semaphore's name
     * @param permits how many permits, from 1 to {@code limit}
     * @param limit the semaphore's number of permits
     * @return the pending grant, as {@link LockDriver#acquire}
     */
    CompletableFuture<Grant> acquirePermits(AcquireRequest request, int permits, int limit);

    /**
     * Extends a watchdog lease, if the store still has it.
     *
     * @param lease the lease
     * @return as {@link LockDriver#renew}
     */
    CompletableFuture<Boolean> renewPermits(HeldLock lease);

    /**
     * Gives back {@code permits} of a lease's permits (all of them ends the lease), if the store
     * still has it, and lets waiters in.
     *
     * @param lease the lease
     * @param permits how many to give back; {@link Integer#MAX_VALUE} gives back all of them
     * @return {@code true} if given back, {@code false} if the store no longer has the lease
     */
    CompletableFuture<Boolean> releasePermits(HeldLock lease, int permits);

    /**
     * Counts the permits of a name that are free now.
     *
     * @param name the semaphore's name
     * @param limit the semaphore's number of permits
     * @return the free permits, never negative
     */
    CompletableFuture<Integer> availablePermits(String name, int limit);
}
