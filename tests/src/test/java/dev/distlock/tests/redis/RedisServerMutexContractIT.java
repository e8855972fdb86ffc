package dev.distlock.tests.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.distlock.embedded.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract suite on one real {@code redis-server} started on a free port. */
class RedisServerMutexContractIT extends RedisContractSupport {
    private static RedisProcess redis;

    @BeforeAll
    static void startRedis() {
        assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed (apt-get install redis-server)");
        redis = RedisProcess.startDefault();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected String uri() {
        return redis.uri();
    }

    @Override
    protected long del(String key) {
        return (Long) redis.call("DEL", key);
    }

    @Override
    protected long subscribers(String pattern) {
        return subscribersMatching(redis::call, pattern);
    }
}
