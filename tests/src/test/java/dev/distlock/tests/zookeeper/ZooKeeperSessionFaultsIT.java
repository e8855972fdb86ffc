package dev.distlock.tests.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.distlock.Lease;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.LockLostException;
import dev.distlock.LossReason;
import dev.distlock.Mutex;
import dev.distlock.embedded.EmbeddedZooKeeper;
import dev.distlock.zookeeper.SuspendPolicy;
import dev.distlock.zookeeper.ZkLockOptions;
import dev.distlock.zookeeper.ZkRequestStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Session faults on one ZooKeeper server (a fresh one per test): server-side expiry of a holder
 * and of a waiter, suspension under both {@link SuspendPolicy} values, a lock parent that is
 * reaped and created again, and interrupts that land in the middle of requests.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZooKeeperSessionFaultsIT {
    /** A long watchdog lease, so that only the session rules decide about loss. */
    private static final LockConfig LONG_LEASE = ZkClients.CONFIG.toBuilder()
            .leaseTime(Duration.ofSeconds(10)).renewInterval(Duration.ofSeconds(1)).build();

    private EmbeddedZooKeeper zk;
    private ZkClients clients;

    @BeforeEach
    void start() {
        zk = EmbeddedZooKeeper.standalone().start();
        clients = new ZkClients(zk);
    }

    @AfterEach
    void stop() {
        clients.close();
        zk.close();
    }

    @Test
    void holderSessionExpiryIsReportedAndTheNextHolderHasALargerToken() throws Exception {
        String name = "expiry";
        LockClient a = clients.connect(zk.connectString(), LONG_LEASE, ZkLockOptions.defaults());
        LockClient b = clients.connect(ZkLockOptions.defaults());
        ZkAdmin admin = clients.admin();
        Mutex ma = a.mutex(name);
        BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
        Lease lease = ma.acquire(Duration.ZERO).onLost(lost::add);
        long tokenA = lease.fencingToken();
        String nodeA = admin.lockNodes(name).get(0);

        CompletableFuture<Long> tokenB = new CompletableFuture<>();
        CompletableFuture<List<String>> nodesAtGrantB = new CompletableFuture<>();
        CountDownLatch releaseB = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            Mutex mb = b.mutex(name);
            try {
                if (mb.tryLock(Duration.ofSeconds(30))) {
                    nodesAtGrantB.complete(admin.lockNodes(name));
                    tokenB.complete(mb.fencingToken());
                    releaseB.await();
                    mb.unlock();
                } else {
                    tokenB.completeExceptionally(new AssertionError("B did not get the lock"));
                }
            } catch (Throwable e) {
                tokenB.completeExceptionally(e);
            }
        }, "waiter-b");
        waiter.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.leftovers(name) == 1);

        zk.expireSession(admin.holderSession(name));

        LeaseLostEvent event = lost.poll(10, TimeUnit.SECONDS);
        assertThat(event).as("A told of its loss").isNotNull();
        assertThat(event.reason()).isEqualTo(LossReason.SESSION_LOST);
        assertThat(event.fencingToken()).isEqualTo(tokenA);
        assertThat(tokenB.get(10, TimeUnit.SECONDS)).as("B's token").isGreaterThan(tokenA);
        assertThat(nodesAtGrantB.get()).as("lock nodes when B was granted").doesNotContain(nodeA).hasSize(1);
        assertThat(lease.isValid()).isFalse();
        assertThat(ma.isHeldByCurrentThread()).isFalse();
        assertThatThrownBy(ma::unlock).isInstanceOf(LockLostException.class);

        // A's client works again in a new session, and does not take B's lock for its old node.
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> !ma.tryLock());
        releaseB.countDown();
        waiter.join(10_000);
        assertThat(ma.tryLock(Duration.ofSeconds(5))).isTrue();
        assertThat(ma.fencingToken()).isGreaterThan(tokenB.get());
        ma.unlock();
        await().atMost(Duration.ofSeconds(5)).until(() -> admin.lockNodes(name).isEmpty());
    }

    @Test
    void waiterWhoseSessionExpiresQueuesAgainInItsNewSession() throws Exception {
        String name = "waiter-expiry";
        LockClient a = clients.connect(ZkLockOptions.defaults());
        LockClient b = clients.connect(ZkLockOptions.defaults());
        ZkAdmin admin = clients.admin();
        Mutex ma = a.mutex(name);
        ma.lock();
        long tokenA = ma.fencingToken();
        CompletableFuture<Long> tokenB = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            Mutex mb = b.mutex(name);
            try {
                assertThat(mb.tryLock(Duration.ofSeconds(30))).isTrue();
                tokenB.complete(mb.fencingToken());
                mb.unlock();
            } catch (Throwable e) {
                tokenB.completeExceptionally(e);
            }
        }, "waiter-b");
        waiter.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.lockNodes(name).size() == 2);
        String oldWaiterNode = admin.lockNodes(name).get(1);
        zk.expireSession(admin.stat(name, oldWaiterNode).getEphemeralOwner());

        // B queues again with a new node in its new session; A still holds.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<String> nodes = admin.lockNodes(name);
            return nodes.size() == 2 && !nodes.contains(oldWaiterNode);
        });
        assertThat(ma.isHeldByCurrentThread()).isTrue();
        assertThat(tokenB).isNotDone();
        ma.unlock();
        assertThat(tokenB.get(10, TimeUnit.SECONDS)).isGreaterThan(tokenA);
        await().atMost(Duration.ofSeconds(5)).until(() -> admin.lockNodes(name).isEmpty());
    }

    @Test
    void loseAtOnceMarksHoldsLostWhenTheConnectionDropsAndCleansUpAfterReconnect() throws Exception {
        String name = "lose-at-once";
        LockClient a = clients.connect(zk.connectString(), LONG_LEASE,
                ZkLockOptions.builder().suspendPolicy(SuspendPolicy.LOSE_AT_ONCE).build());
        ZkAdmin admin = clients.admin();
        Mutex m = a.mutex(name);
        BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
        m.acquire(Duration.ZERO).onLost(lost::add);
        zk.stop();
        LeaseLostEvent event = lost.poll(10, TimeUnit.SECONDS);
        assertThat(event).as("loss reported while the server is down").isNotNull();
        assertThat(event.reason()).isEqualTo(LossReason.SESSION_LOST);
        assertThat(m.isHeldByCurrentThread()).isFalse();
        zk.restart();
        // Same session after the restart: the client deletes the node of the hold it gave up.
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> admin.lockNodes(name).isEmpty());
        assertThatThrownBy(m::unlock).isInstanceOf(LockLostException.class);
        assertThat(m.tryLock(Duration.ofSeconds(5))).isTrue();
        m.unlock();
    }

    @Test
    void waitForReconnectRidesOutAShortOutage() throws Exception {
        String name = "short-outage";
        LockClient a = clients.connect(zk.connectString(), LONG_LEASE, ZkLockOptions.builder()
                .sessionTimeout(Duration.ofSeconds(20)).suspendGrace(Duration.ofSeconds(5)).build());
        LockClient b = clients.connect(ZkLockOptions.defaults());
        Mutex m = a.mutex(name);
        BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
        Lease lease = m.acquire(Duration.ZERO).onLost(lost::add);
        long token = lease.fencingToken();
        zk.restart(); // down and up again, well within the grace
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> !b.mutex(name).tryLock());
        // The passing of time is the behaviour under test: the hold must survive the grace.
        Thread.sleep(LONG_LEASE.renewInterval().toMillis() * 2);
        assertThat(lost).as("loss events").isEmpty();
        assertThat(lease.isValid()).isTrue();
        assertThat(m.isHeldByCurrentThread()).isTrue();
        assertThat(m.fencingToken()).isEqualTo(token);
        m.unlock();
        assertThat(b.mutex(name).tryLock(Duration.ofSeconds(5))).isTrue();
        b.mutex(name).unlock();
    }

    @Test
    void waitForReconnectLosesHoldsWhenTheGraceRunsOut() throws Exception {
        String name = "long-outage";
        Duration grace = Duration.ofMillis(400);
        LockClient a = clients.connect(zk.connectString(), LONG_LEASE, ZkLockOptions.builder()
                .sessionTimeout(Duration.ofSeconds(20)).suspendGrace(grace).build());
        ZkAdmin admin = clients.admin();
        Mutex m = a.mutex(name);
        BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
        m.acquire(Duration.ZERO).onLost(lost::add);
        long stopped = System.nanoTime();
        zk.stop();
        LeaseLostEvent event = lost.poll(10, TimeUnit.SECONDS);
        long afterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
        assertThat(event).isNotNull();
        assertThat(event.reason()).isEqualTo(LossReason.SESSION_LOST);
        assertThat(afterMs).as("ms from the outage to the loss").isGreaterThanOrEqualTo(grace.toMillis() - 50);
        assertThatThrownBy(m::unlock).isInstanceOf(LockLostException.class);
        zk.restart();
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> admin.lockNodes(name).isEmpty());
        assertThat(m.tryLock(Duration.ofSeconds(5))).isTrue();
        m.unlock();
    }

    @Test
    void aReapedAndRecreatedParentIsNeverMistakenForTheOldOne() throws Exception {
        String name = "recreated";
        ZkRequestStats statsA = new ZkRequestStats();
        LockClient a = clients.connect(ZkLockOptions.builder().stats(statsA).build());
        LockClient b = clients.connect(ZkLockOptions.defaults());
        ZkAdmin admin = clients.admin();
        Mutex ma = a.mutex(name);
        ma.lock(); // sequence 0 under a new parent, alone: A learns the parent's floor
        ma.unlock();
        await().atMost(Duration.ofSeconds(10)).until(() -> !admin.parentExists(name)); // the container is reaped
        Mutex mb = b.mutex(name);
        mb.lock(); // a new parent; B's node is sequence 0 again
        long creates = statsA.creates();
        long lists = statsA.childReads();
        // A's single create gets sequence 1, what its floor expects after the old parent: only the
        // zxid gap shows the parent is new, so A must list the children and see B.
        assertThat(ma.tryLock()).isFalse();
        assertThat(statsA.creates() - creates).as("A's creates").isEqualTo(1);
        assertThat(statsA.childReads() - lists).as("A's listings").isEqualTo(1);
        mb.unlock();
        assertThat(ma.tryLock()).isTrue();
        ma.unlock();
    }

    @Test
    void emptyLockParentsAreReapedByTheServer() {
        String name = "reaped";
        LockClient a = clients.connect(ZkLockOptions.defaults());
        ZkAdmin admin = clients.admin();
        a.mutex(name).lock();
        assertThat(admin.parentExists(name)).isTrue();
        a.mutex(name).unlock();
        await().atMost(Duration.ofSeconds(10)).until(() -> !admin.parentExists(name));
    }

    @Test
    void interruptsInTheMiddleOfRequestsLeaveNoNodeBehind() throws Exception {
        String name = "interrupt-storm";
        LockClient a = clients.connect(ZkLockOptions.defaults());
        LockClient b = clients.connect(ZkLockOptions.defaults());
        ZkAdmin admin = clients.admin();
        Mutex m = a.mutex(name);
        m.lock(); // teach the client the parent's floor, so that acquires take the synchronous path
        m.unlock();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger acquired = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        CompletableFuture<Throwable> unexpected = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            while (!stop.get()) {
                try {
                    m.lockInterruptibly();
                    acquired.incrementAndGet();
                    try {
                        m.unlock();
                    } catch (dev.distlock.LockException e) {
                        // an interrupt while the release was waited for: the delete still goes through
                        Thread.interrupted();
                    }
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                } catch (Throwable e) {
                    unexpected.complete(e);
                    return;
                }
            }
            Thread.interrupted();
            try {
                // the storm is over: the lock works as before for this thread
                m.lock();
                acquired.incrementAndGet();
                m.unlock();
                unexpected.complete(null);
            } catch (Throwable e) {
                unexpected.complete(e);
            }
        }, "interrupted-worker");
        worker.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        java.util.Random random = new java.util.Random(7);
        while (System.nanoTime() < end) {
            worker.interrupt();
            // the passing of time is the behaviour under test: interrupts at random points
            TimeUnit.MICROSECONDS.sleep(200 + random.nextInt(3000));
        }
        stop.set(true);
        assertThat(unexpected.get(20, TimeUnit.SECONDS)).as("unexpected failure").isNull();
        assertThat(acquired.get()).as("acquires").isPositive();
        assertThat(interrupted.get()).as("interrupted acquires").isPositive();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin.lockNodes(name)).isEmpty());
        assertThat(b.mutex(name).tryLock()).isTrue();
        b.mutex(name).unlock();
    }
}
