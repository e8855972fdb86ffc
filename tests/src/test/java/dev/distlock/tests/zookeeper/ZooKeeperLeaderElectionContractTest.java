package dev.distlock.tests.zookeeper;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.embedded.EmbeddedStore;
import dev.distlock.embedded.EmbeddedStoreExtension;
import dev.distlock.embedded.EmbeddedZooKeeper;
import dev.distlock.tests.contract.LeaderElectionContract;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtendWith;

/** The leader election contract on the ZooKeeper backend (terms under <root>/elections), one embedded server. */
@ExtendWith(EmbeddedStoreExtension.class)
class ZooKeeperLeaderElectionContractTest extends LeaderElectionContract {
    @EmbeddedStore
    static EmbeddedZooKeeper zk;
    private final String namespace = "/election-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    protected LockClient newClient(LockConfig config) {
        return LockClients.connect("zk://" + zk.connectString() + namespace, config);
    }

    /** Elections leave nothing but mutex nodes, which the mutex contract checks. */
    @Override
    protected int leftovers(String name) {
        return 0;
    }
}
