package dev.distlock.tests.zookeeper;

import dev.distlock.embedded.EmbeddedZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract suite on the ZooKeeper backend against a three-member ensemble; clients connect
 * to all members, so sessions land on followers as well as on the leader.
 */
class ZooKeeperEnsembleMutexContractIT extends ZooKeeperContractSupport {
    private static EmbeddedZooKeeper zk;

    @BeforeAll
    static void startEnsemble() {
        zk = EmbeddedZooKeeper.ensemble(3).start();
    }

    @AfterAll
    static void stopEnsemble() {
        if (zk != null) {
            zk.close();
        }
    }

    @Override
    EmbeddedZooKeeper zooKeeper() {
        return zk;
    }
}
