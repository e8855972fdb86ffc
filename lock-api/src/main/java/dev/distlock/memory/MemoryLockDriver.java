package dev.distlock.memory;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.Grant;
import dev.distlock.spi.HeldLock;
import dev.distlock.spi.LockDriver;
import java.util.concurrent.CompletableFuture;

/** A {@link LockDriver} over a {@link MemoryLockStore}. Thread-safe. */
final class MemoryLockDriver implements LockDriver {
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
    public void close() {
        // The store outlives its clients, as a server would.
    }
}
