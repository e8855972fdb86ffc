package dev.distlock.tests.redis;

import dev.distlock.embedded.EmbeddedStore;
import dev.distlock.embedded.EmbeddedStoreExtension;
import dev.distlock.embedded.RedisProcess;
import org.junit.jupiter.api.extension.ExtendWith;

/** The contract suite on one real {@code redis-server} started on a free port. */
@ExtendWith(EmbeddedStoreExtension.class)
class RedisServerMutexContractIT extends RedisContractSupport {
    @EmbeddedStore
    static RedisProcess redis;

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
