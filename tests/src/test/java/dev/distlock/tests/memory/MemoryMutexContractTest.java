package dev.distlock.tests.memory;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.memory.MemoryLockStore;
import dev.distlock.tests.contract.MutexContract;
import java.util.UUID;

/** The contract suite on the in-process {@code memory://} backend. */
class MemoryMutexContractTest extends MutexContract {
    private final String storeName = "contract-" + UUID.randomUUID();

    private MemoryLockStore store() {
        return MemoryLockStore.named(storeName, config().clock());
    }

    @Override
    protected LockClient newClient(LockConfig config) {
        return LockClients.connect("memory://" + storeName, config);
    }

    @Override
    protected void breakLease(String name) {
        if (!store().forceRelease(name)) {
            throw new AssertionError("lock " + name + " was not held");
        }
    }

    @Override
    protected int leftovers(String name) {
        return store().waiters(name);
    }

    @Override
    protected long acquireRequests() {
        return store().acquireRequests();
    }
}
