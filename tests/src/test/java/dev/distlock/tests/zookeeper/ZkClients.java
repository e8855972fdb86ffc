package dev.distlock.tests.zookeeper;

import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.embedded.EmbeddedZooKeeper;
import dev.distlock.zookeeper.ZkLockOptions;
import dev.distlock.zookeeper.ZooKeeperLocks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Makes ZooKeeper lock clients for a test on one namespace, and closes them all. */
final class ZkClients implements AutoCloseable {
    /** Short leases, so that the watchdog's first renewal (which watches the node) comes soon. */
    static final LockConfig CONFIG = LockConfig.builder()
            .leaseTime(Duration.ofMillis(1500))
            .renewInterval(Duration.ofMillis(500))
            .commandTimeout(Duration.ofSeconds(3))
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    final EmbeddedZooKeeper zk;
    final String namespace = "/faults-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<LockClient> clients = new ArrayList<>();
    private ZkAdmin admin;

    ZkClients(EmbeddedZooKeeper zk) {
        this.zk = zk;
    }

    LockClient connect(ZkLockOptions options) {
        return connect(zk.connectString(), options);
    }

    LockClient connect(String connectString, ZkLockOptions options) {
        return connect(connectString, CONFIG, options);
    }

    LockClient connect(String connectString, LockConfig config, ZkLockOptions options) {
        LockClient c = ZooKeeperLocks.connect("zk://" + connectString + namespace, config, options);
        clients.add(c);
        return c;
    }

    ZkAdmin admin() {
        if (admin == null) {
            admin = new ZkAdmin(zk.connectString(), namespace);
        }
        return admin;
    }

    @Override
    public void close() {
        for (LockClient c : clients) {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // a client of a stopped server may fail to release; its session goes anyway
            }
        }
        if (admin != null) {
            admin.close();
        }
    }
}
