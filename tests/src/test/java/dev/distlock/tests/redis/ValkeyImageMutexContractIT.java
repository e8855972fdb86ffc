package dev.distlock.tests.redis;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/** The contract suite on the current Valkey image; skipped without a Docker engine. */
@Testcontainers(disabledWithoutDocker = true)
class ValkeyImageMutexContractIT extends ContainerContractSupport {
    @Container
    @SuppressWarnings("resource")
    private static final GenericContainer<?> VALKEY = new GenericContainer<>(DockerImageName.parse("valkey/valkey:8"))
            .withExposedPorts(REDIS_PORT);

    @Override
    protected GenericContainer<?> container() {
        return VALKEY;
    }
}
