package dev.distlock.tests.redlock;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract suite on Redlock over three embedded Redis-protocol servers. */
class RedlockEmbedded3MutexContractIT extends RedlockContractSupport {
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

    /** The embedded servers share this JVM (and its pauses): roomier per-node and attempt timeouts. */
    @Override
    protected String params() {
        return "nodeTimeout=1s&attemptFraction=0.4";
    }

    @Override
    protected RedlockNodes nodes() {
        return nodes;
    }
}
