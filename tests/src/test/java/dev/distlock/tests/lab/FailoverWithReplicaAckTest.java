package dev.distlock.tests.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.LockClient;
import dev.distlock.Mutex;
import dev.distlock.embedded.EmbeddedRedisServer;
import dev.distlock.redis.RedisKeyLayout;
import dev.distlock.redis.ReplicaAckException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * <b>The same failover, with redis-lock's wait for a replica's acknowledgement.</b>
 *
 * <p>As in {@link FailoverLosesLockTest}: a primary and its replica, client A on the primary, the
 * replication link stalls, the primary crashes, the replica is promoted, client B asks for the
 * same lock. This time A connects with {@code ?minReplicaAcks=1&replicaAckTimeout=200ms}: after
 * the acquire script succeeds, redis-lock sends {@code WAIT 1 200} on the same connection and
 * reports success only if the replica acknowledged the lock.
 *
 * <ol>
 * <li>With the link stalled the replica acknowledges nothing: A's acquisition fails with
 *     {@link ReplicaAckException} after 200 ms and the lock is given back. A never believes it
 *     holds the lock.</li>
 * <li>After the crash and the promotion, B takes the lock: <b>one holder</b>, and only B writes to
 *     the protected resource.</li>
 * </ol>
 *
 * <p>The second test is the failover the option is for when replication works: A's lock is
 * acknowledged, so it is on the replica when the primary crashes, and B, on the promoted
 * replica, does not get it while A's lease runs.
 *
 * <p>What this does not buy (see redis-lock's README): the acknowledgement is in the replica's
 * memory, not on its disk; Sentinel may promote a replica that did not acknowledge when there
 * are more replicas than acknowledgements asked for; renewals are not acknowledged.
 */
@Timeout(60)
class FailoverWithReplicaAckTest {
    private static final String LOCK = "orders:42";
    private static final Duration LEASE = Duration.ofSeconds(20);

    private PrimaryAndReplica lab;
    private EmbeddedRedisServer primary;
    private EmbeddedRedisServer replica;

    @BeforeEach
    void startPrimaryAndReplica() {
        lab = new PrimaryAndReplica();
        primary = lab.primary;
        replica = lab.replica;
    }

    @AfterEach
    void stop() {
        lab.close();
    }

    private LockClient connect(String uri) {
        return lab.connect(uri);
    }

    @Test
    void anAcquisitionNoReplicaAcknowledgedIsNotReportedSoTheFailoverLeavesOneHolder() throws Exception {
        Mutex a = connect(primary.uri() + "?minReplicaAcks=1&replicaAckTimeout=200ms").mutex(LOCK);
        primary.faults().pauseReplication();
        assertThatThrownBy(() -> a.tryLock(Duration.ZERO, LEASE)).as("the replica never acknowledged A's lock")
                .isInstanceOfSatisfying(ReplicaAckException.class, e -> assertThat(e.acknowledged()).isZero());
        assertThat(a.isHeldByCurrentThread()).as("A does not believe it holds the lock").isFalse();
        assertThat(LabServers.exists(primary, RedisKeyLayout.defaults().lockKey(LOCK)))
                .as("and the primary gave it back").isFalse();

        primary.faults().stop();
        replica.promote();
        Mutex b = connect(replica.uri()).mutex(LOCK);
        assertThat(b.tryLock(Duration.ZERO, LEASE)).as("B takes the lock on the promoted replica").isTrue();

        FencedResource orders = new FencedResource();
        assertThat(orders.write("B", b.fencingToken(), "order 42 shipped by B")).isTrue();
        assertThat(orders.writes()).as("A never entered its critical section").extracting(FencedResource.Write::writer)
                .containsExactly("B");
    }

    @Test
    void anAcknowledgedLockSurvivesTheFailover() throws Exception {
        Mutex a = connect(primary.uri() + "?minReplicaAcks=1&replicaAckTimeout=400ms").mutex(LOCK);
        assertThat(a.tryLock(Duration.ZERO, LEASE)).isTrue();
        // No waiting for replication here: WAIT returned only once the replica had the lock.
        primary.faults().pauseReplication();
        primary.faults().stop();
        replica.promote();

        Mutex b = connect(replica.uri()).mutex(LOCK);
        assertThat(b.tryLock(Duration.ZERO, LEASE)).as("the promoted replica has A's lock").isFalse();
        assertThat(a.isHeldByCurrentThread()).as("A is the only holder").isTrue();
    }
}
