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
