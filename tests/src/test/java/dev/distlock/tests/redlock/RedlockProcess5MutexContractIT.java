package dev.distlock.tests.redlock;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract suite on Redlock over 5 real {@code redis-server} processes. */
class RedlockProcess5MutexContractIT extends RedlockContractSupport {
    private static RedlockNodes nodes;

    @BeforeAll
    static void start() {
        nodes = RedlockNodes.processes(5);
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Override
    protected RedlockNodes nodes() {
        return nodes;
    }
}
