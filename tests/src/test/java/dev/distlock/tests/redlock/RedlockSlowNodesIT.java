package dev.distlock.tests.redlock;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Redlock when every node answers slowly but well within the lease (embedded servers with reply
 * latency): the per-node {@code nodeTimeout} bounds acquire attempts only, so a hold survives
 * renewals that take longer than it, and a release that takes longer than it still succeeds.
 * (Until this was fixed, a loaded machine lost all 10,000 locks of the benchmark's watchdog
 * scenario, and unlocks threw because a node took 51 ms.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedlockSlowNodesIT {
    private RedlockNodes nodes;
    private LockClient client;
    private final List<LeaseLostEvent> losses = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        nodes = RedlockNodes.embedded(3);
        client = LockClients.connect(nodes.uri("nodeTimeout=200ms"), LockConfig.builder()
                .leaseTime(Duration.ofMillis(3000)).renewInterval(Duration.ofMillis(300))
                .commandTimeout(Duration.ofSeconds(5)).build());
        client.addLeaseLostListener(losses::add);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        nodes.close();
    }

    @Test
    void renewalsAndReleaseSlowerThanTheNodeTimeoutKeepTheHold() throws Exception {
        Mutex m = client.mutex("slow:" + UUID.randomUUID());
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
        assertThat(m.isLocked()).isFalse();
    }
}
