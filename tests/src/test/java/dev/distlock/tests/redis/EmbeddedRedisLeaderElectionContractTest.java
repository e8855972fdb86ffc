package dev.distlock.tests.redis;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.embedded.EmbeddedRedisServer;
import dev.distlock.embedded.EmbeddedStore;
import dev.distlock.embedded.EmbeddedStoreExtension;
import dev.distlock.tests.contract.LeaderElectionContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The LeaderElection contract on the in-process {@link EmbeddedRedisServer}. */
@ExtendWith(EmbeddedStoreExtension.class)
class EmbeddedRedisLeaderElectionContractTest extends LeaderElectionContract {
    @EmbeddedStore
    static EmbeddedRedisServer server;

    @Override
    protected LockClient newClient(LockConfig config) {
        return LockClients.connect(server.uri(), config);
    }

    @Override
    protected int leftovers(String name) {
        return RedisContractSupport.coordinationSubscribers(name, args -> MiniResp.call(server.host(), server.port(), args));
    }
}
