package dev.distlock.tests.redlock;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.tests.contract.LeaderElectionContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The leader election contract on Redlock over three embedded servers (the election is a recipe
 * over the Redlock mutex), and the primitives Redlock does not offer (see redlock/README.md).
 */
class RedlockEmbedded3LeaderElectionContractIT extends LeaderElectionContract {
    private static RedlockNodes nodes;

    @BeforeAll
    static void start() {
        nodes = RedlockNodes.embedded(3);
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Override
    protected LockClient newClient(LockConfig config) {
        return LockClients.connect(nodes.uri("nodeTimeout=1s&attemptFraction=0.4"), config);
    }

    /** Elections leave nothing but mutex state, which the mutex contract checks. */
    @Override
    protected int leftovers(String name) {
        return 0;
    }

    @Test
    void readWriteLocksAndSemaphoresAreNotOffered() {
        assertThatThrownBy(() -> a.readWriteLock("x")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("redlock");
        assertThatThrownBy(() -> a.semaphore("x", 2)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("semaphores");
    }
}
