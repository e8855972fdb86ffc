package dev.distlock.tests.lab;

import static org.awaitility.Awaitility.await;

import dev.distlock.embedded.EmbeddedRedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;

/** Small helpers the lab scenarios share: looking into a server, waiting for a replica. */
final class LabServers {
    private LabServers() {
    }

    /** Runs {@code INFO replication} on a server and returns the value of one field. */
    static String replicationField(EmbeddedRedisServer server, String field) {
        String info = call(server, c -> c.sync().info("replication"));
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        return null;
    }

    /** Waits until a replica has finished its first sync with its primary and follows its stream. */
    static void awaitInSync(EmbeddedRedisServer replica, EmbeddedRedisServer primary) {
        RedisClient client = RedisClient.create(replica.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> c.sync().info("replication").contains("master_link_status:up"));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /** Whether a key exists on a server. */
    static boolean exists(EmbeddedRedisServer server, String key) {
        return call(server, c -> c.sync().exists(key)) > 0;
    }

    /** Runs something on a fresh connection to a server. */
    static <T> T call(EmbeddedRedisServer server, java.util.function.Function<StatefulRedisConnection<String, String>, T> f) {
        RedisClient client = RedisClient.create(server.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return f.apply(c);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
