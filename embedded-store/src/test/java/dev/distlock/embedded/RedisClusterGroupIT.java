package dev.distlock.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One three-master cluster per class, used through Lettuce's cluster client. */
class RedisClusterGroupIT {
    static RedisClusterGroup cluster;

    @BeforeAll
    static void start() {
        assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed: Cluster tests skipped");
        long t0 = System.nanoTime();
        cluster = RedisClusterGroup.builder().build().start();
        System.out.printf("RedisClusterGroup (3 masters) started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
            for (RedisProcess n : cluster.nodes()) {
                assertThat(n.isRunning()).isFalse();
            }
        }
    }

    @Test
    void servesKeysOfEverySlotThroughAClusterClient() {
        assertThat(cluster.nodes()).hasSize(3);
        assertThat(cluster.uri()).startsWith("redis-cluster://127.0.0.1:");
        for (RedisProcess n : cluster.nodes()) {
            assertThat(String.valueOf(n.call("CLUSTER", "INFO"))).contains("cluster_state:ok");
        }
        RedisClusterClient client = RedisClusterClient.create(
                RedisURI.Builder.redis("127.0.0.1", cluster.nodes().get(0).port()).withTimeout(Duration.ofSeconds(5)).build());
        try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
            Set<Object> owners = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                c.sync().set("key-" + i, "v" + i);
                assertThat(c.sync().get("key-" + i)).isEqualTo("v" + i);
                owners.add(c.getPartitions().getPartitionBySlot(io.lettuce.core.cluster.SlotHash.getSlot("key-" + i)).getNodeId());
            }
            assertThat(owners).hasSize(3); // the keys spread over all three masters
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> RedisClusterGroup.builder().masters(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("masters");
        assertThat(List.of(cluster.addresses().size())).containsExactly(3);
    }
}
