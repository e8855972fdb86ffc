package dev.distlock.tests.annotation;

import dev.distlock.embedded.EmbeddedStore;
import dev.distlock.embedded.EmbeddedStoreExtension;
import dev.distlock.embedded.EmbeddedZooKeeper;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code @DistributedLock(mode = READ / WRITE)} on one embedded ZooKeeper server through {@code zk://}. */
@ExtendWith(EmbeddedStoreExtension.class)
class ZooKeeperAnnotationModeTest extends AnnotationModeContract {
    @EmbeddedStore
    static EmbeddedZooKeeper zk;
    private final String namespace = "/annotation-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    protected String uri() {
        return "zk://" + zk.connectString() + namespace;
    }
}
