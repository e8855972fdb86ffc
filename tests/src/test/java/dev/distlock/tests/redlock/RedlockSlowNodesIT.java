package dev.distlock.tests.redlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.BackendUnavailableException;
import dev.distlock.Lease;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import dev.distlock.embedded.EmbeddedRedisServer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redlock when nodes answer slowly but well within the lease (embedded servers with reply
 * latency): the per-node {@code nodeTimeout} bounds acquire attempts only, so a hold survives
 * renewals that take longer than it, and a release that takes longer than it still succeeds.
 * A zero-wait try on slow nodes that answer after the attempt's deadline returns {@code false};
 * a stalled majority makes it throw {@link BackendUnavailableException}.
 * (Until this was fixed, a loaded machine lost all 10,000 locks of the benchmark's watchdog
 * scenario, and unlocks threw because a node took 51 ms.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedlockSlowNodesIT {
    private RedlockNodes nodes;
    private LockClient client;
    private LockClient defaultTimeoutClient;
    private final List<LeaseLostEvent> losses = new CopyOnWriteArrayList<>();
    private final String name = "slow:" + UUID.randomUUID();

    @BeforeEach
    void start() {
        nodes = RedlockNodes.embedded(3);
        client = LockClients.connect(nodes.uri("nodeTimeout=200ms"), LockConfig.builder()
                .leaseTime(Duration.ofMillis(3000)).renewInterval(Duration.ofMillis(300))
                .commandTimeout(Duration.ofSeconds(5)).build());
        client.addLeaseLostListener(losses::add);
    }

    /**
     * A client with the default node timeout: 5% of the 2 s lease = 100 ms per attempt; a silent
     * node counts as unreachable after 1 s.
     */
    private LockClient defaultTimeoutClient() {
        if (defaultTimeoutClient == null) {
            defaultTimeoutClient = LockClients.connect(nodes.uri(""), LockConfig.builder()
                    .leaseTime(Duration.ofSeconds(2)).renewInterval(Duration.ofMillis(600)).build());
        }
        return defaultTimeoutClient;
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (defaultTimeoutClient != null) {
            defaultTimeoutClient.close();
        }
        nodes.close();
    }

    @Test
    void renewalsAndReleaseSlowerThanTheNodeTimeoutKeepTheHold() throws Exception {
        Mutex m = client.mutex(name);
        Lease lease = m.acquire(Duration.ofSeconds(5));
        long token = lease.fencingToken();
        for (EmbeddedRedisServer s : nodes.embedded) {
            s.faults().latency(Duration.ofMillis(400)); // twice the nodeTimeout, far below the lease
        }
        // Sleeping is the behaviour under test: the hold must outlive two full leases of slow
        // renewals (each renewal takes ~400 ms, renewals are due every 300 ms).
        Thread.sleep(6000);
        assertThat(losses).as("leases lost while nodes were slow but in time").isEmpty();
        assertThat(lease.isValid()).isTrue();
        assertThat(m.isHeldByCurrentThread()).isTrue();
        assertThat(m.fencingToken()).isEqualTo(token);
        m.unlock(); // each node answers in ~400 ms: more than nodeTimeout, less than commandTimeout
        assertThat(m.isHeldByCurrentThread()).isFalse();
        for (EmbeddedRedisServer s : nodes.embedded) {
            s.faults().latency(Duration.ZERO);
        }
        // Checked on each node directly: right after the latency is removed, the client's own
        // connections have sometimes received a reply meant for an earlier command (an open
        // question about the embedded server's held replies, see the closing note of session 2).
        assertThat(nodes.holders(name)).as("nodes still holding the released lock").isZero();
    }

    @Test
    void aZeroWaitTryOnSlowNodesSaysNoAndLeavesNothingBehind() throws InterruptedException {
        Mutex m = defaultTimeoutClient().mutex(name);
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
        Mutex m = defaultTimeoutClient().mutex(name);
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
            assertThat(ms).as("ms until the verdict: the attempt, then up to 1 s for late answers")
                    .isLessThan(4000);
        } finally {
            nodes.embedded.get(0).faults().resume();
            nodes.embedded.get(1).faults().resume();
        }
        assertThat(m.isHeldByCurrentThread()).isFalse();
    }
}
