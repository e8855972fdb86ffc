package dev.distlock.tests.redlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a try says when the nodes are slow rather than gone (embedded servers with added reply
 * latency or a stall): slow nodes that answer after the attempt's deadline make a zero-wait try
 * return {@code false}; a majority that answers nothing within the command timeout makes it throw
 * {@link BackendUnavailableException}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedlockSlowNodesIT {
    private RedlockNodes nodes;
    private LockClient client;
    private final String name = "slow:" + UUID.randomUUID();

    @BeforeEach
    void start() {
        nodes = RedlockNodes.embedded(3);
        // The default node timeout: 5% of the 2 s lease = 100 ms per attempt; the command timeout
        // that decides whether a silent node is unreachable is 1 s.
        client = LockClients.connect(nodes.uri(""), LockConfig.builder().leaseTime(Duration.ofSeconds(2))
                .renewInterval(Duration.ofMillis(600)).build());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        nodes.close();
    }

    @Test
    void aZeroWaitTryOnSlowNodesSaysNoAndLeavesNothingBehind() throws InterruptedException {
        Mutex m = client.mutex(name);
        nodes.embedded.get(0).faults().latency(Duration.ofMillis(300));
        nodes.embedded.get(1).faults().latency(Duration.ofMillis(300));
        assertThat(m.tryLock()).as("a majority answered too late for this attempt").isFalse();
        assertThat(m.isHeldByCurrentThread()).isFalse();
        nodes.embedded.get(0).faults().latency(Duration.ZERO);
        nodes.embedded.get(1).faults().latency(Duration.ZERO);
        // the slow nodes' SETs were undone in order after them: the lock is free
        assertThat(nodes.get(0, RedlockNodes.LAYOUT.lockKey(name))).isNull();
        assertThat(nodes.get(1, RedlockNodes.LAYOUT.lockKey(name))).isNull();
        // (with a wait: the replies still queued behind the delayed ones on those connections may
        // miss one 100 ms attempt on a loaded machine)
        assertThat(m.tryLock(Duration.ofSeconds(10))).isTrue();
        m.unlock();
    }

    @Test
    void aZeroWaitTryOnAStalledMajorityIsBackendUnavailableNamingEachNode() {
        Mutex m = client.mutex(name);
        nodes.embedded.get(0).faults().pause(Duration.ofSeconds(5));
        nodes.embedded.get(1).faults().pause(Duration.ofSeconds(5));
        try {
            long t0 = System.nanoTime();
            assertThatThrownBy(m::tryLock).isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining(name)
                    .hasMessageContaining("127.0.0.1:" + nodes.port(0) + " timeout")
                    .hasMessageContaining("127.0.0.1:" + nodes.port(1) + " timeout")
                    .hasMessageContaining("127.0.0.1:" + nodes.port(2) + " granted");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(ms).as("ms until the verdict: the attempt, then the command timeout for late answers")
                    .isLessThan(4000);
        } finally {
            nodes.embedded.get(0).faults().resume();
            nodes.embedded.get(1).faults().resume();
        }
        assertThat(m.isHeldByCurrentThread()).isFalse();
    }
}
