package dev.distlock.tests.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.Lease;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.LockLostException;
import dev.distlock.LossReason;
import dev.distlock.PermitLease;
import dev.distlock.embedded.EmbeddedZooKeeper;
import dev.distlock.zookeeper.SuspendPolicy;
import dev.distlock.zookeeper.ZkLockOptions;
import dev.distlock.zookeeper.ZooKeeperLocks;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Session expiry of a holder of ZooKeeper semaphore permits or a write lock: the holder is told
 * ({@code SESSION_LOST}), and another client gets in with a larger token.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZooKeeperCoordinationFaultsIT {
    /** A long watchdog lease, so that only the session decides about loss. */
    private static final LockConfig LONG_LEASE = LockConfig.builder().leaseTime(Duration.ofSeconds(10))
            .renewInterval(Duration.ofSeconds(1)).commandTimeout(Duration.ofSeconds(2)).build();

    private EmbeddedZooKeeper zk;
    private LockClient a;
    private LockClient b;
    private ZkCoordinationNodes nodes;

    @BeforeEach
    void start() {
        zk = EmbeddedZooKeeper.standalone().start();
        a = LockClients.connect("zk://" + zk.connectString() + "/faults", LONG_LEASE);
        b = LockClients.connect("zk://" + zk.connectString() + "/faults", LONG_LEASE);
        nodes = new ZkCoordinationNodes(zk.connectString(), "/faults");
    }

    @AfterEach
    void stop() {
        nodes.close();
        a.close();
        b.close();
        zk.close();
    }

    /**
     * The locks' SUSPENDED policy holds for the coordination primitives too: with
     * {@code LOSE_AT_ONCE} a write lock and a permit lease are reported lost while the server is
     * down (long before the 30 s session could expire), and once the same session reconnects their
     * nodes are deleted, so another client gets both at once.
     */
    @Test
    void loseAtOnceMarksCoordinationHoldsLostAndFreesThemAfterReconnect() throws Exception {
        LockClient c = ZooKeeperLocks.connect("zk://" + zk.connectString() + "/faults", LONG_LEASE,
                ZkLockOptions.builder().sessionTimeout(Duration.ofSeconds(30)).suspendPolicy(SuspendPolicy.LOSE_AT_ONCE)
                        .build());
        try {
            BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
            Lease write = c.readWriteLock("rw").writeLock().acquire(Duration.ZERO).onLost(lost::add);
            PermitLease permit = c.semaphore("sem", 1).tryAcquire(1, Duration.ZERO);
            assertThat(permit).isNotNull();
            permit.onLost(lost::add);
            zk.stop();
            for (int i = 0; i < 2; i++) {
                LeaseLostEvent event = lost.poll(10, TimeUnit.SECONDS);
                assertThat(event).as("loss %d reported while the server is down", i + 1).isNotNull();
                assertThat(event.reason()).isEqualTo(LossReason.SESSION_LOST);
            }
            assertThat(write.isValid()).isFalse();
            zk.restart();
            Lease other = b.readWriteLock("rw").writeLock().acquire(Duration.ofSeconds(15));
            PermitLease otherPermit = b.semaphore("sem", 1).tryAcquire(1, Duration.ofSeconds(15));
            assertThat(otherPermit).as("the permit came back with the reconnect, not the session's end").isNotNull();
            assertThat(other.fencingToken()).isGreaterThan(write.fencingToken());
            other.close();
            otherPermit.close();
            assertThatThrownBy(write::close).isInstanceOf(LockLostException.class);
        } finally {
            c.close();
        }
    }

    @Test
    void permitsOfAnExpiredSessionComeBackAndTheHolderIsTold() throws Exception {
        BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
        PermitLease held = a.semaphore("sem", 2).tryAcquire(2, Duration.ZERO);
        held.onLost(lost::add);
        assertThat(b.semaphore("sem", 2).tryAcquire(1, Duration.ZERO)).isNull();

        zk.expireSession(nodes.lowestNodeSession("sem"));

        LeaseLostEvent event = lost.poll(10, TimeUnit.SECONDS);
        assertThat(event).as("the holder is told").isNotNull();
        assertThat(event.reason()).isEqualTo(LossReason.SESSION_LOST);
        PermitLease taken = b.semaphore("sem", 2).tryAcquire(2, Duration.ofSeconds(10));
        assertThat(taken).as("the permits came back").isNotNull();
        assertThat(taken.fencingToken()).isGreaterThan(held.fencingToken());
        assertThatThrownBy(held::close).isInstanceOf(LockLostException.class);
        taken.close();
    }

    @Test
    void anExpiredWritersReadersGetIn() throws Exception {
        BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
        Lease write = a.readWriteLock("rw").writeLock().acquire(Duration.ZERO).onLost(lost::add);

        zk.expireSession(nodes.lowestNodeSession("rw"));

        assertThat(lost.poll(10, TimeUnit.SECONDS)).as("the writer is told").isNotNull();
        assertThat(b.readWriteLock("rw").readLock().tryLock(Duration.ofSeconds(10))).isTrue();
        assertThat(b.readWriteLock("rw").readLock().fencingToken()).isGreaterThan(write.fencingToken());
        assertThat(write.isValid()).isFalse();
        b.readWriteLock("rw").readLock().unlock();
    }
}
