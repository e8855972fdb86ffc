package dev.distlock.tests.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import dev.distlock.embedded.EmbeddedRedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * <b>A split brain, and how {@code min-replicas-to-write} bounds it.</b>
 *
 * <p>A primary and its replica. A network partition cuts the primary off from the replica (and
 * from Sentinel); Sentinel promotes the replica. Clients on the primary's side of the partition
 * still reach the old primary, the others reach the new one: two primaries accept writes.
 *
 * <ul>
 * <li><b>Without the setting</b> (the first test) client C, stranded with the old primary, takes
 *     {@code orders:43} there, while client D takes the same lock on the promoted replica:
 *     <b>two holders</b>, each on its own primary, for as long as the partition lasts.</li>
 * <li><b>With {@code min-replicas-to-write 1}</b> (the second test) the old primary refuses every
 *     write — and so every lock acquisition — once it has no replica in contact: C's attempt fails
 *     with {@code NOREPLICAS} ({@link BackendUnavailableException}), D alone holds the lock.</li>
 * <li><b>After {@code min-replicas-max-lag}</b> (the third test): a partition that drops packets
 *     but leaves the connection open is only noticed through missing acknowledgements (replicas
 *     acknowledge every second). Here the replica is frozen; the primary goes on granting locks
 *     until its replica's last acknowledgement is older than the max lag (2 s), then refuses
 *     them. Client A, which holds {@code orders:42} on that primary, cannot be granted a new lock
 *     there any more. The split brain is bounded by that lag, not closed: writes in the window
 *     are still lost when the old primary rejoins as a replica — fencing tokens remain the
 *     defence for the resource.</li>
 * </ul>
 */
@Timeout(60)
class SplitBrainMinReplicasTest {
    private static final Duration LEASE = Duration.ofSeconds(20);
    private static final Duration MAX_LAG = Duration.ofSeconds(2);
    private static final LockConfig CONFIG = LockConfig.builder().commandTimeout(Duration.ofSeconds(1))
            .connectTimeout(Duration.ofSeconds(2)).build();

    private EmbeddedRedisServer primary;
    private EmbeddedRedisServer replica;
    private final List<LockClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(LockClient::close);
        if (replica != null) {
            replica.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    private void start(int minReplicasToWrite) {
        primary = EmbeddedRedisServer.builder().port(0).minReplicasToWrite(minReplicasToWrite)
                .minReplicasMaxLag(MAX_LAG).build().start();
        replica = EmbeddedRedisServer.builder().port(0).replicaOf(primary.host(), primary.port()).build().start();
        LabServers.awaitInSync(replica, primary);
    }

    private Mutex mutex(EmbeddedRedisServer server, String name) {
        LockClient c = LockClients.connect(server.uri(), CONFIG);
        clients.add(c);
        return c.mutex(name);
    }

    /** The partition: the primary loses its replica, which Sentinel then promotes. */
    private void partitionAndPromote() {
        primary.faults().partitionReplication();
        replica.promote();
    }

    @Test
    void withoutMinReplicasBothPrimariesGrantTheSameLock() throws Exception {
        start(0);
        Mutex c = mutex(primary, "orders:43");
        Mutex d = mutex(replica, "orders:43");
        partitionAndPromote();

        assertThat(c.tryLock(Duration.ZERO, LEASE)).as("C on the old primary").isTrue();
        assertThat(d.tryLock(Duration.ZERO, LEASE)).as("D on the promoted replica").isTrue();
        assertThat(c.isHeldByCurrentThread() && d.isHeldByCurrentThread()).as("two holders").isTrue();
    }

    @Test
    void withMinReplicasTheOldPrimaryRefusesTheLock() throws Exception {
        start(1);
        Mutex c = mutex(primary, "orders:43");
        Mutex d = mutex(replica, "orders:43");
        partitionAndPromote();

        assertThatThrownBy(() -> c.tryLock(Duration.ZERO, LEASE)).as("C on the old primary")
                .isInstanceOf(BackendUnavailableException.class).hasMessageContaining("NOREPLICAS");
        assertThat(c.isHeldByCurrentThread()).isFalse();
        assertThat(d.tryLock(Duration.ZERO, LEASE)).as("D on the promoted replica, alone").isTrue();
    }

    @Test
    void aPrimaryWhoseReplicaFallsSilentRefusesNewLocksOnceTheLagExceedsTheMax() throws Exception {
        start(1);
        Mutex held = mutex(primary, "orders:42");
        assertThat(held.tryLock(Duration.ZERO, LEASE)).as("A holds orders:42 while all is well").isTrue();
        LockClient a = clients.get(0);

        replica.faults().pause(Duration.ofSeconds(30)); // the link stays open; nothing comes back
        long silentSince = System.nanoTime();
        AtomicInteger probe = new AtomicInteger();
        await().atMost(MAX_LAG.plusSeconds(8)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try {
                // Each probe is a new lock name, so a granted one is simply left to expire.
                a.mutex("orders:probe-" + probe.incrementAndGet()).tryLock(Duration.ZERO, LEASE);
                return false;
            } catch (BackendUnavailableException e) {
                return e.getMessage().contains("NOREPLICAS");
            }
        });
        Duration silent = Duration.ofNanos(System.nanoTime() - silentSince);
        // The last acknowledgement came at most a second before the replica froze.
        assertThat(silent).as("refused only once the lag exceeded the max").isGreaterThan(MAX_LAG.minusSeconds(1));
        assertThatThrownBy(() -> a.mutex("orders:43").tryLock(Duration.ZERO, LEASE))
                .as("A cannot be granted a new lock on the old primary").isInstanceOf(BackendUnavailableException.class);
        replica.faults().resume();
    }
}
