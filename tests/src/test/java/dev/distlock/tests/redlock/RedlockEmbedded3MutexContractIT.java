package dev.distlock.tests.redlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.LockLostException;
import dev.distlock.Mutex;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    /**
     * A lease that leaves less validity after the drift allowance than a round trip needs is
     * refused at once, not retried for the whole wait (a 1 ms lease leaves 0.5 ms), and nothing
     * is left on the nodes; the shortest accepted lease works.
     */
    @Test
    void aLeaseTooShortForTheDriftAllowanceIsRefusedAtOnce() throws Exception {
        Mutex m = a.mutex(name("short-lease"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> m.tryLock(Duration.ofDays(365), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too short for Redlock")
                .hasMessageContaining("at least 4 ms");
        assertThatThrownBy(() -> m.tryLock(Duration.ofDays(365), Duration.ofMillis(3)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(System.nanoTime() - start).as("refused without waiting").isLessThan(TimeUnit.SECONDS.toNanos(5));
        assertThat(m.getHoldCount()).isZero();
        assertThat(leftovers(m.name())).isZero();
        // 4 ms is accepted (it may run out before the unlock: then unlock reports the loss)
        if (m.tryLock(Duration.ofSeconds(5), Duration.ofMillis(4))) {
            try {
                m.unlock();
            } catch (LockLostException expected) {
                assertThat(expected.reason()).isNotNull();
            }
        }
    }
}
