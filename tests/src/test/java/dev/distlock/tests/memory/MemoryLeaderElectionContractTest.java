package dev.distlock.tests.memory;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.memory.MemoryLockStore;
import dev.distlock.tests.contract.LeaderElectionContract;
import java.util.UUID;

/** The LeaderElection contract on the in-process {@code memory://} backend. */
class MemoryLeaderElectionContractTest extends LeaderElectionContract {
    private final String storeName = "coord-" + UUID.randomUUID();

    @Override
    protected LockClient newClient(LockConfig config) {
        return LockClients.connect("memory://" + storeName, config);
    }

    @Override
    protected int leftovers(String name) {
        return MemoryLockStore.named(storeName, config().clock()).coordinationWaiters(name);
    }
}
