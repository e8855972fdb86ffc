package dev.distlock.tests.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.testcontainers.containers.GenericContainer;

/**
 * The contract suite on a Redis-compatible server in a container (Testcontainers). Subclasses
 * declare the container as a static {@code @Container} field and carry
 * {@code @Testcontainers(disabledWithoutDocker = true)}, so the class is skipped with a visible
 * reason on machines without a Docker engine.
 */
abstract class ContainerContractSupport extends RedisContractSupport {
    /** The port every Redis-compatible image listens on inside the container. */
    static final int REDIS_PORT = 6379;

    private RedisClient admin;
    private StatefulRedisConnection<String, String> adminConnection;

    /**
     * Returns the running container.
     *
     * @return the container
     */
    protected abstract GenericContainer<?> container();

    @Override
    protected String uri() {
        return "redis://" + container().getHost() + ":" + container().getMappedPort(REDIS_PORT);
    }

    private RedisCommands<String, String> admin() {
        if (adminConnection == null) {
            admin = RedisClient.create(uri());
            adminConnection = admin.connect();
        }
        return adminConnection.sync();
    }

    @Override
    protected long del(String key) {
        return admin().del(key);
    }

    @Override
    protected long subscribers(String pattern) {
        java.util.List<String> channels = admin().pubsubChannels(pattern);
        if (channels.isEmpty()) {
            return 0;
        }
        return admin().pubsubNumsub(channels.toArray(new String[0])).values().stream().mapToLong(Long::longValue).sum();
    }

    @org.junit.jupiter.api.AfterEach
    void closeAdmin() {
        if (adminConnection != null) {
            adminConnection.close();
            admin.shutdown();
            adminConnection = null;
        }
    }
}
