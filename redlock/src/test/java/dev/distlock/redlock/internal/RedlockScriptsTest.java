package dev.distlock.redlock.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distlock.embedded.EmbeddedRedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Redlock's acquire script on one (embedded) node: the queue of waiting clients. */
class RedlockScriptsTest {
    private static EmbeddedRedisServer server;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;

    @BeforeAll
    static void start() {
        server = EmbeddedRedisServer.builder().build().start();
        client = RedisClient.create(server.uri());
        connection = client.connect();
    }

    @AfterAll
    static void stop() {
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown();
        }
        if (server != null) {
            server.close();
        }
    }

    private static long acquire(String[] keys, String owner, String clientId, String mode, String place)
            throws Exception {
        return RedlockScripts.ACQUIRE.<Long>run(connection.async(), keys, owner, "60000", "0", "1000", clientId, mode,
                "7000", place).get(5, TimeUnit.SECONDS);
    }

    /**
     * A client's place in a node's queue is the one it chose (when its wait began, the same on
     * every node), not when its attempt reached this node: so every node orders the same clients
     * alike, even when their attempts arrive in a different order, and a release wakes the same
     * client on every node. A later failed attempt keeps the place; a win takes it out.
     */
    @Test
    void aWaitersPlaceIsTheOneItChoseAndAFailedAttemptKeepsIt() throws Exception {
        String[] keys = {"P{q}", "P{q}:fence", "P{q}:queue"};
        assertThat(acquire(keys, "holder#1", "holder", "0", "1")).isPositive();
        // "late" began waiting later but its attempt arrives first here.
        assertThat(acquire(keys, "late#1", "late", "1", "2000")).isNegative();
        assertThat(acquire(keys, "early#1", "early", "1", "1000")).isNegative();
        assertThat(connection.sync().zrange("P{q}:queue", 0, -1)).containsExactly("early", "late");
        // A later failed attempt of "early" with another value keeps its place (ZADD NX).
        assertThat(acquire(keys, "early#2", "early", "2", "3000")).isNegative();
        assertThat(connection.sync().zrange("P{q}:queue", 0, -1)).containsExactly("early", "late");
        // A single try (mode 0) does not join.
        assertThat(acquire(keys, "other#1", "other", "0", "500")).isNegative();
        assertThat(connection.sync().zrange("P{q}:queue", 0, -1)).containsExactly("early", "late");
        // Free again: "early" wins with a later attempt (mode 2) and leaves the queue.
        connection.sync().del("P{q}");
        assertThat(acquire(keys, "early#3", "early", "2", "1000")).isPositive();
        assertThat(connection.sync().zrange("P{q}:queue", 0, -1)).containsExactly("late");
        assertThat(connection.sync().pttl("P{q}:queue")).as("the queue key expires").isPositive();
    }
}
