package dev.distlock.memory;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.ElectionDriver;
import dev.distlock.spi.Grant;
import dev.distlock.spi.HeldLock;
import dev.distlock.spi.LockDriver;
import dev.distlock.spi.ReadWriteLockDriver;
import dev.distlock.spi.SemaphoreDriver;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link LockDriver} over a {@link MemoryLockStore}; its read-write locks, semaphores and
 * election terms are served by the store's {@link MemoryCoordinationStore}. Thread-safe.
 */
final class MemoryLockDriver implements LockDriver, ReadWriteLockDriver, SemaphoreDriver, ElectionDriver {
    private final MemoryLockStore store;

    MemoryLockDriver(MemoryLockStore store) {
        this.store = store;
    }

    @Override
    public CompletableFuture<Grant> acquire(AcquireRequest request) {
        return store.acquire(request);
    }

    @Override
    public CompletableFuture<Boolean> renew(HeldLock lock) {
        return store.renew(lock);
    }

    @Override
    public CompletableFuture<Boolean> release(HeldLock lock) {
        return store.release(lock);
    }

    @Override
    public CompletableFuture<Boolean> isLocked(String name) {
        return store.isLocked(name);
    }

    @Override
    public CompletableFuture<Grant> acquire(Mode mode, AcquireRequest request) {
        return store.coordination().acquire(mode, request);
    }

    @Override
    public CompletableFuture<Boolean> renew(Mode mode, HeldLock lock) {
        return store.coordination().renew(mode, lock);
    }

    @Override
    public CompletableFuture<Boolean> release(Mode mode, HeldLock lock) {
        return store.coordination().release(mode, lock);
    }

    @Override
    public CompletableFuture<Boolean> isLocked(Mode mode, String name) {
        return store.coordination().isLocked(mode, name);
    }

    @Override
    public CompletableFuture<Grant> acquirePermits(AcquireRequest request, int permits, int limit) {
        return store.coordination().acquirePermits(request, permits, limit);
    }

    @Override
    public CompletableFuture<Boolean> renewPermits(HeldLock lease) {
        return store.coordination().renewPermits(lease);
    }

    @Override
    public CompletableFuture<Boolean> releasePermits(HeldLock lease, int permits) {
        return store.coordination().releasePermits(lease, permits);
    }

    @Override
    public CompletableFuture<Integer> availablePermits(String name, int limit) {
        return store.coordination().availablePermits(name, limit);
    }

    @Override
    public CompletableFuture<Grant> acquireTerm(AcquireRequest request) {
        return store.coordination().acquireTerm(request);
    }

    @Override
    public CompletableFuture<Boolean> renewTerm(HeldLock term) {
        return store.coordination().renewTerm(term);
    }

    @Override
    public CompletableFuture<Boolean> releaseTerm(HeldLock term) {
        return store.coordination().releaseTerm(term);
    }

    @Override
    public void close() {
        // The store outlives its clients, as a server would.
    }
}
