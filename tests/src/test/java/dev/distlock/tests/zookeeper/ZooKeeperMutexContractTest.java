package dev.distlock.tests.zookeeper;

import dev.distlock.embedded.EmbeddedZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract suite on the ZooKeeper backend, against one embedded ZooKeeper server. */
class ZooKeeperMutexContractTest extends ZooKeeperContractSupport {
    private static EmbeddedZooKeeper zk;

    @BeforeAll
    static void startServer() {
        zk = EmbeddedZooKeeper.standalone().start();
    }

    @AfterAll
    static void stopServer() {
        if (zk != null) {
            zk.close();
        }
    }

    @Override
    EmbeddedZooKeeper zooKeeper() {
        return zk;
    }
}
