package dev.distlock.tests.redlock;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract suite on Redlock over 3 real {@code redis-server} processes. */
class RedlockProcess3MutexContractIT extends RedlockContractSupport {
    private static RedlockNodes nodes;

    @BeforeAll
    static void start() {
        nodes = RedlockNodes.processes(3);
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
