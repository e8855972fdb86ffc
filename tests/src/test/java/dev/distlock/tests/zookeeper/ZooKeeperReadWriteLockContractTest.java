package dev.distlock.tests.zookeeper;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.embedded.EmbeddedStore;
import dev.distlock.embedded.EmbeddedStoreExtension;
import dev.distlock.embedded.EmbeddedZooKeeper;
import dev.distlock.tests.contract.ReadWriteLockContract;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ReadWriteLock contract on the ZooKeeper backend, one embedded server. */
@ExtendWith(EmbeddedStoreExtension.class)
class ZooKeeperReadWriteLockContractTest extends ReadWriteLockContract {
    @EmbeddedStore
    static EmbeddedZooKeeper zk;
    private final String namespace = "/coord-" + UUID.randomUUID().toString().substring(0, 8);
    private ZkCoordinationNodes nodes;

    @AfterEach
    void closeNodes() {
        if (nodes != null) {
            nodes.close();
            nodes = null;
        }
    }

    @Override
    protected LockClient newClient(LockConfig config) {
        return LockClients.connect("zk://" + zk.connectString() + namespace, config);
    }

    /** Nodes of waiters under the name's read-write lock and semaphore parents. */
    @Override
    protected int leftovers(String name) {
        if (nodes == null) {
            nodes = new ZkCoordinationNodes(zk.connectString(), namespace);
        }
        return nodes.waiters(name);
    }
}
