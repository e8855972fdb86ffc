package dev.distlock.tests.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.distlock.embedded.RedisClusterGroup;
import dev.distlock.embedded.RedisProcess;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract suite on a Redis Cluster of three real masters started by the test; keys of one
 * lock share a slot through their hash tag, and waiters' subscriptions are counted on every node.
 */
class RedisClusterMutexContractIT extends RedisContractSupport {
    private static RedisClusterGroup cluster;
    private static RedisClusterClient admin;
    private static StatefulRedisClusterConnection<String, String> adminConnection;

    @BeforeAll
    static void startCluster() {
        assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed (apt-get install redis-server)");
        cluster = RedisClusterGroup.builder().masters(3).build().start();
        List<RedisURI> seeds = cluster.nodes().stream().map(n -> RedisURI.create(n.host(), n.port())).toList();
        admin = RedisClusterClient.create(seeds);
        adminConnection = admin.connect();
    }

    @AfterAll
    static void stopCluster() {
        if (adminConnection != null) {
            adminConnection.close();
            admin.shutdown();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected String uri() {
        return cluster.uri();
    }

    @Override
    protected long del(String key) {
        return adminConnection.sync().del(key);
    }

    @Override
    protected long subscribers(String pattern) {
        long n = 0;
        for (RedisProcess node : cluster.nodes()) {
            n += subscribersMatching(node::call, pattern);
        }
        return n;
    }
}
