package dev.distlock.tests.redis;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/** The contract suite on the current official Redis image; skipped without a Docker engine. */
@Testcontainers(disabledWithoutDocker = true)
class RedisImageMutexContractIT extends ContainerContractSupport {
    @Container
    @SuppressWarnings("resource")
    private static final GenericContainer<?> REDIS = new GenericContainer<>(DockerImageName.parse("redis:8"))
            .withExposedPorts(REDIS_PORT);

    @Override
    protected GenericContainer<?> container() {
        return REDIS;
    }
}
