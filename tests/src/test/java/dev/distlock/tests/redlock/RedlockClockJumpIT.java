package dev.distlock.tests.redlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.distlock.Lease;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.LossReason;
import dev.distlock.Mutex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redlock when node clocks jump (embedded servers, clock moved with {@code faults().advanceClock}):
 * one node's jump is harmless, a majority's jump expires the lock under its holder, who learns
 * of it at the next renewal.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedlockClockJumpIT {
    private RedlockNodes nodes;
    private final List<LockClient> clients = new ArrayList<>();
    private final String name = "jump:" + UUID.randomUUID();

    @BeforeEach
    void start() {
        nodes = RedlockNodes.embedded(3);
    }

    @AfterEach
    void stop() {
        clients.forEach(LockClient::close);
        nodes.close();
    }

    private LockClient client() {
        // A roomy lease (attempt timeout = lease / 10 = 300 ms) for a loaded machine.
        LockClient c = LockClients.connect(nodes.uri("nodeTimeout=300ms"), LockConfig.builder()
                .leaseTime(Duration.ofMillis(3000)).renewInterval(Duration.ofMillis(500)).build());
        clients.add(c);
        return c;
    }

    @Test
    void clockJumpOnOneNodeKeepsTheHolderAndExcludesOthers() throws Exception {
        Mutex ma = client().mutex(name);
        Mutex mb = client().mutex(name);
        Lease held = ma.acquire(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> nodes.holders(name) == 3); // see below
        nodes.embedded.get(0).faults().advanceClock(Duration.ofSeconds(10));
        assertThat(nodes.lockValue(0, name)).as("node 0's copy expired by its clock").isNull();
        assertThat(mb.tryLock(Duration.ofMillis(300))).as("B with one copy gone").isFalse();
        // Over more than a lease (renewals 500 ms apart) the holder keeps it on the two other nodes.
        await().during(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(6)).until(held::isValid);
        assertThat(nodes.holders(name)).isEqualTo(2);
        assertThat(mb.tryLock(Duration.ofMillis(200))).isFalse();
        long token = held.fencingToken();
        held.close();
        try (Lease l = mb.acquire(Duration.ofSeconds(2))) {
            assertThat(l.fencingToken()).isGreaterThan(token);
        }
    }

    @Test
    void clockJumpOnAMajorityLosesTheLockAndTheHolderIsTold() throws Exception {
        Mutex ma = client().mutex(name);
        Mutex mb = client().mutex(name);
        BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
        Lease held = ma.acquire(Duration.ofSeconds(2)).onLost(lost::add);
        // acquire returns at a majority; the third node's SET may still be in flight, and landing
        // after the clock jump it would keep A's quorum alive. Jump only once all three have it.
        await().atMost(Duration.ofSeconds(5)).until(() -> nodes.holders(name) == 3);
        nodes.embedded.get(0).faults().advanceClock(Duration.ofSeconds(10));
        nodes.embedded.get(1).faults().advanceClock(Duration.ofSeconds(10));
        // The lock is gone on a majority: another client can take it at once (the documented limit).
        assertThat(mb.tryLock(Duration.ofSeconds(2))).isTrue();
        LeaseLostEvent event = lost.poll(3, TimeUnit.SECONDS);
        assertThat(event).as("holder told at its next renewal (every 500 ms)").isNotNull();
        assertThat(event.reason()).isEqualTo(LossReason.RENEWAL_REJECTED);
        assertThat(held.isValid()).isFalse();
        assertThat(mb.fencingToken()).isGreaterThan(held.fencingToken());
        mb.unlock();
    }
}
