package dev.distlock.tests.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.embedded.RedisProcess;
import dev.distlock.tests.contract.LeaderElectionContract;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The LeaderElection contract on one real {@code redis-server} started on a free port. */
class RedisServerLeaderElectionContractIT extends LeaderElectionContract {
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
    protected LockClient newClient(LockConfig config) {
        return LockClients.connect(redis.uri(), config);
    }

    /** Subscribers of the name's read-write and semaphore wake-up channels. */
    @Override
    protected int leftovers(String name) {
        String key = RedisContractSupport.LAYOUT.lockKey(name);
        List<?> reply = (List<?>) redis.call("PUBSUB", "NUMSUB", key + ":rw:wake", key + ":sem:wake");
        return ((Number) reply.get(1)).intValue() + ((Number) reply.get(3)).intValue();
    }
}
