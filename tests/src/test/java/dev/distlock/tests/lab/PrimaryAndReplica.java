package dev.distlock.tests.lab;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.embedded.EmbeddedRedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The failover scenarios' set-up: an embedded primary with one replica in sync, and the lock
 * clients connected during a test, all closed together. Not thread-safe: one per test.
 */
final class PrimaryAndReplica implements AutoCloseable {
    /** Short timeouts: closing a client must not wait long for a crashed primary. */
    private static final LockConfig CONFIG = LockConfig.builder().commandTimeout(Duration.ofSeconds(1))
            .connectTimeout(Duration.ofSeconds(2)).build();

    final EmbeddedRedisServer primary;
    final EmbeddedRedisServer replica;
    private final List<LockClient> clients = new ArrayList<>();

    PrimaryAndReplica() {
        primary = EmbeddedRedisServer.builder().port(0).build().start();
        replica = EmbeddedRedisServer.builder().port(0).replicaOf(primary.host(), primary.port()).build().start();
        LabServers.awaitInSync(replica, primary);
    }

    /** Connects a lock client to {@code uri}, closed with this set-up. */
    LockClient connect(String uri) {
        LockClient c = LockClients.connect(uri, CONFIG);
        clients.add(c);
        return c;
    }

    @Override
    public void close() {
        clients.forEach(LockClient::close);
        replica.close();
        primary.close();
    }
}
