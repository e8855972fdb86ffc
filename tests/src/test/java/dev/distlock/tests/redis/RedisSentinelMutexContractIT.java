package dev.distlock.tests.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.distlock.embedded.RedisProcess;
import dev.distlock.embedded.RedisSentinelGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract suite through Redis Sentinel: a real master, a replica and three sentinels
 * started by the test; clients find the master with {@code redis-sentinel://…/mymaster}.
 */
class RedisSentinelMutexContractIT extends RedisContractSupport {
    private static RedisSentinelGroup group;

    @BeforeAll
    static void startGroup() {
        assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed (apt-get install redis-server)");
        group = RedisSentinelGroup.builder().build().start();
    }

    @AfterAll
    static void stopGroup() {
        if (group != null) {
            group.close();
        }
    }

    @Override
    protected String uri() {
        return group.uri();
    }

    @Override
    protected long del(String key) {
        return (Long) group.currentMaster().call("DEL", key);
    }

    @Override
    protected long subscribers(String pattern) {
        return subscribersMatching(group.master()::call, pattern) + subscribersMatching(group.replica()::call, pattern);
    }
}
