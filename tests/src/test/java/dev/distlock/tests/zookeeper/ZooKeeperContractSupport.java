package dev.distlock.tests.zookeeper;

import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.embedded.EmbeddedZooKeeper;
import dev.distlock.tests.contract.MutexContract;
import dev.distlock.zookeeper.ZkLockOptions;
import dev.distlock.zookeeper.ZkRequestStats;
import dev.distlock.zookeeper.ZooKeeperLocks;
import java.util.UUID;

/**
 * The contract suite on the ZooKeeper backend. Subclasses say which {@link EmbeddedZooKeeper} to
 * use; each test class gets its own namespace. {@link #breakLease(String)} deletes the holder's
 * node as an operator would (session expiry is covered by {@link ZooKeeperFaultsIT});
 * {@link #leftovers(String)} counts lock nodes other than the holder's;
 * {@link #acquireRequests()} counts the create requests of every client of the test.
 */
abstract class ZooKeeperContractSupport extends MutexContract {
    private final String namespace = "/contract-" + UUID.randomUUID().toString().substring(0, 8);
    private final ZkRequestStats stats = new ZkRequestStats();
    private ZkAdmin admin;

    /** The ZooKeeper the clients connect to. */
    abstract EmbeddedZooKeeper zooKeeper();

    private ZkAdmin admin() {
        if (admin == null) {
            admin = new ZkAdmin(zooKeeper().connectString(), namespace);
        }
        return admin;
    }

    @org.junit.jupiter.api.AfterEach
    void closeAdmin() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }

    @Override
    protected LockClient newClient(LockConfig config) {
        return ZooKeeperLocks.connect("zk://" + zooKeeper().connectString() + namespace, config,
                ZkLockOptions.builder().stats(stats).build());
    }

    @Override
    protected void breakLease(String name) {
        admin().deleteHolderNode(name);
    }

    @Override
    protected int leftovers(String name) {
        return admin().leftovers(name);
    }

    @Override
    protected long acquireRequests() {
        return stats.creates();
    }
}
