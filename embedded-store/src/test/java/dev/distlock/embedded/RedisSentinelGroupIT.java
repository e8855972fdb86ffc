package dev.distlock.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One Sentinel group per class: start, a Lettuce client through the sentinels, a failover. */
class RedisSentinelGroupIT {
    static RedisSentinelGroup group;

    @BeforeAll
    static void start() {
        assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed: Sentinel tests skipped");
        long t0 = System.nanoTime();
        group = RedisSentinelGroup.builder().build().start();
        System.out.printf("RedisSentinelGroup (1 master, 1 replica, 3 sentinels) started in %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stop() {
        if (group != null) {
            group.close();
            for (RedisProcess s : group.sentinels()) {
                assertThat(s.isRunning()).isFalse();
            }
            assertThat(group.master().isRunning()).isFalse();
        }
    }

    @Test
    void failsOverToTheReplicaWhenTheMasterDies() {
        assertThat(group.uri()).startsWith("redis-sentinel://127.0.0.1:").endsWith("/mymaster");
        assertThat(group.currentMasterPort()).isEqualTo(group.master().port());
        RedisURI uri = RedisURI.Builder.sentinel("127.0.0.1", group.sentinels().get(0).port(), "mymaster")
                .withTimeout(Duration.ofSeconds(5)).build();
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().set("k", "v");
            assertThat(c.sync().get("k")).isEqualTo("v");
        }
        // the write reached the replica
        RedisSentinelGroup.awaitFor(Duration.ofSeconds(5), () -> "v".equals(group.replica().call("GET", "k")), "no replication");

        int old = group.master().port();
        long t0 = System.nanoTime();
        group.master().kill();
        int promoted = group.awaitFailover(old, Duration.ofSeconds(20));
        System.out.printf("Sentinel failover after a master crash took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(promoted).isEqualTo(group.replica().port());
        assertThat(group.currentMaster()).isSameAs(group.replica());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().get("k")).isEqualTo("v");
            c.sync().set("k2", "after");
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
