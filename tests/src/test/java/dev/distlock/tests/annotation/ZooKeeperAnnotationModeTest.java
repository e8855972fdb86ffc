package dev.distlock.tests.annotation;

import dev.distlock.embedded.EmbeddedZooKeeper;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@code @DistributedLock(mode = READ / WRITE)} on one embedded ZooKeeper server through {@code zk://}. */
class ZooKeeperAnnotationModeTest extends AnnotationModeContract {
    private static EmbeddedZooKeeper zk;
    private final String namespace = "/annotation-" + UUID.randomUUID().toString().substring(0, 8);

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
    protected String uri() {
        return "zk://" + zk.connectString() + namespace;
    }
}
