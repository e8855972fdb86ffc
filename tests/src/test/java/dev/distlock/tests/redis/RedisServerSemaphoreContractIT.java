package dev.distlock.tests.redis;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.embedded.EmbeddedStore;
import dev.distlock.embedded.EmbeddedStoreExtension;
import dev.distlock.embedded.RedisProcess;
import dev.distlock.tests.contract.SemaphoreContract;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Semaphore contract on one real {@code redis-server} started on a free port (skipped, with
 * the reason shown, when redis-server is not installed).
 */
@ExtendWith(EmbeddedStoreExtension.class)
class RedisServerSemaphoreContractIT extends SemaphoreContract {
    @EmbeddedStore
    static RedisProcess redis;

    @Override
    protected LockClient newClient(LockConfig config) {
        return LockClients.connect(redis.uri(), config);
    }

    @Override
    protected int leftovers(String name) {
        return RedisContractSupport.coordinationSubscribers(name, redis::call);
    }
}
