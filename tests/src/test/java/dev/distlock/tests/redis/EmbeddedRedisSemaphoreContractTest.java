package dev.distlock.tests.redis;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.embedded.EmbeddedRedisServer;
import dev.distlock.tests.contract.SemaphoreContract;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Semaphore contract on the in-process {@link EmbeddedRedisServer}. */
class EmbeddedRedisSemaphoreContractTest extends SemaphoreContract {
    private static EmbeddedRedisServer server;

    @BeforeAll
    static void startServer() {
        server = EmbeddedRedisServer.builder().port(0).build().start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected LockClient newClient(LockConfig config) {
        return LockClients.connect(server.uri(), config);
    }

    /** Subscribers of the name's read-write and semaphore wake-up channels. */
    @Override
    protected int leftovers(String name) {
        String key = RedisContractSupport.LAYOUT.lockKey(name);
        List<?> reply = (List<?>) MiniResp.call(server.host(), server.port(), "PUBSUB", "NUMSUB", key + ":rw:wake",
                key + ":sem:wake");
        return ((Number) reply.get(1)).intValue() + ((Number) reply.get(3)).intValue();
    }
}
