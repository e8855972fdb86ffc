package dev.distlock.tests.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distlock.LockClient;
import dev.distlock.Mutex;
import dev.distlock.embedded.EmbeddedRedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * <b>The classic Redis failover that breaks a lock.</b>
 *
 * <p>A primary and its replica; the lock client talks to the primary, as it would through
 * Sentinel. Replication is asynchronous: the primary answers the acquire script first and sends
 * the write to the replica afterwards.
 *
 * <ol>
 * <li>Client A takes {@code orders:42} on the primary. The replication link has stalled just
 *     before ({@code pauseReplication}), so the write stays on the primary: this makes "the
 *     primary crashed before the write reached the replica" happen every time instead of in a
 *     window of a millisecond.</li>
 * <li>The primary crashes. Sentinel promotes the replica, which never saw A's lock.</li>
 * <li>Client B, now talking to the promoted replica, asks for {@code orders:42} and gets it.
 *     A's lease has not run out: A still believes it holds the lock. <b>Mutual exclusion is
 *     broken</b>; nothing in the lock can prevent it.</li>
 * <li>The fencing check saves the data: the protected resource accepts a write only with a token
 *     greater than the last it accepted. B writes with its token; A, resuming late (a GC pause,
 *     a slow request), writes with the older token and is rejected.</li>
 * </ol>
 *
 * <p><b>Why B's token is still larger.</b> The promoted replica lost A's counter update too (the
 * acquire script wrote the lock and its {@code :fence} counter together, and neither was
 * replicated). redis-lock's acquire script takes {@code max(last + 1, server TIME in µs)}, so B's
 * token comes from the replica's clock, which is later than the primary's clock was when A
 * acquired: the tokens stay in order as long as the promoted server's clock is not behind. The
 * second test shows the other case: a promoted replica whose clock lags by a minute issues B a
 * <em>smaller</em> token, and the resource then refuses the legitimate holder while accepting
 * the stale one — the "not monotonic" case of redis-lock's README.
 *
 * <p>{@link FailoverWithReplicaAckTest} is the same story with redis-lock's {@code minReplicaAcks}.
 */
@Timeout(60)
class FailoverLosesLockTest {
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

    private LockClient connect(EmbeddedRedisServer server) {
        return lab.connect(server.uri());
    }

    /** Steps 1–3: A holds on the crashed primary, B holds on the promoted replica. */
    private Mutex[] twoHoldersAfterFailover() throws InterruptedException {
        Mutex a = connect(primary).mutex(LOCK);
        primary.faults().pauseReplication();
        assertThat(a.tryLock(Duration.ZERO, LEASE)).as("A takes the lock on the primary").isTrue();
        primary.faults().stop();
        replica.promote();
        Mutex b = connect(replica).mutex(LOCK);
        assertThat(b.tryLock(Duration.ZERO, LEASE)).as("B takes the same lock on the promoted replica").isTrue();
        return new Mutex[] {a, b};
    }

    @Test
    void afterTheFailoverTwoClientsHoldTheLockAndFencingRejectsTheStaleOne() throws Exception {
        Mutex[] holders = twoHoldersAfterFailover();
        Mutex a = holders[0];
        Mutex b = holders[1];

        assertThat(a.isHeldByCurrentThread()).as("A still believes it holds the lock").isTrue();
        assertThat(b.isHeldByCurrentThread()).as("so does B: mutual exclusion is broken").isTrue();

        long tokenA = a.fencingToken();
        long tokenB = b.fencingToken();
        assertThat(tokenB).as("the replica's clock floor orders B after A although A's counter was lost")
                .isGreaterThan(tokenA);
        FencedResource orders = new FencedResource();
        assertThat(orders.write("B", tokenB, "order 42 shipped by B")).isTrue();
        assertThat(orders.write("A", tokenA, "order 42 shipped by A")).as("A's late write is rejected").isFalse();
        assertThat(orders.value()).isEqualTo("order 42 shipped by B");
    }

    @Test
    void aPromotedReplicaWhoseClockLagsIssuesASmallerTokenAndFencingTurnsAgainstTheNewHolder() throws Exception {
        replica.faults().skewClock(Duration.ofMinutes(-1));
        Mutex[] holders = twoHoldersAfterFailover();
        long tokenA = holders[0].fencingToken();
        long tokenB = holders[1].fencingToken();

        assertThat(tokenB).as("counter lost and the issuing clock a minute behind: tokens go backwards")
                .isLessThan(tokenA);
        FencedResource orders = new FencedResource();
        assertThat(orders.write("A", tokenA, "order 42 shipped by A")).as("the stale holder writes first").isTrue();
        assertThat(orders.write("B", tokenB, "order 42 shipped by B")).as("the rightful holder is refused").isFalse();
    }
}
