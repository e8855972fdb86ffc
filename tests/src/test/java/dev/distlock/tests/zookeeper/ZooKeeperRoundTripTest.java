package dev.distlock.tests.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.distlock.LockClient;
import dev.distlock.Mutex;
import dev.distlock.embedded.EmbeddedZooKeeper;
import dev.distlock.zookeeper.ZkLockOptions;
import dev.distlock.zookeeper.ZkRequestStats;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.curator.drivers.TracerDriver;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Counts the ZooKeeper requests and round trips of lock and unlock, and compares them with
 * Curator's {@code InterProcessMutex} on the same server.
 */
class ZooKeeperRoundTripTest {
    private static final int CYCLES = 20;
    private static EmbeddedZooKeeper zk;
    private ZkClients clients;

    @BeforeAll
    static void startServer() {
        // Empty lock parents are not reaped during these tests: a reaped parent costs a re-create.
        zk = EmbeddedZooKeeper.builder().containerCheckInterval(Duration.ofMinutes(10)).build().start();
    }

    @AfterAll
    static void stopServer() {
        zk.close();
    }

    @BeforeEach
    void setUp() {
        clients = new ZkClients(zk);
    }

    @AfterEach
    void tearDown() {
        clients.close();
    }

    @Test
    void aTryLockCreatesAndListsInOneRoundTrip() {
        LockClient holder = clients.connect(ZkLockOptions.defaults());
        Mutex held = holder.mutex("busy");
        held.lock();
        ZkRequestStats stats = new ZkRequestStats();
        LockClient c = clients.connect(ZkLockOptions.builder().stats(stats).build());
        assertThat(c.mutex("busy").tryLock()).isFalse();
        assertThat(stats.creates()).isEqualTo(1);
        assertThat(stats.childReads()).isEqualTo(1);
        assertThat(stats.deletes()).as("the node given back").isEqualTo(1);
        assertThat(stats.roundTrips()).as("create + list pipelined, then delete").isEqualTo(2);
        held.unlock();
    }

    @Test
    void repeatedUncontendedLockingCostsTwoRequestsPerCycleWhereInterProcessMutexNeedsThree() {
        ZkRequestStats stats = new ZkRequestStats();
        LockClient c = clients.connect(ZkLockOptions.builder().stats(stats).build());
        Mutex m = c.mutex("uncontended");
        m.lock(); // the first hold teaches the client the parent's sequence floor
        m.unlock();
        long creates = stats.creates();
        long deletes = stats.deletes();
        long reads = stats.childReads() + stats.dataReads() + stats.syncs();
        long trips = stats.roundTrips();
        for (int i = 0; i < CYCLES; i++) {
            m.lock();
            m.unlock();
        }
        assertThat(stats.creates() - creates).isEqualTo(CYCLES);
        assertThat(stats.deletes() - deletes).isEqualTo(CYCLES);
        assertThat(stats.childReads() + stats.dataReads() + stats.syncs() - reads).as("reads").isZero();
        assertThat(stats.roundTrips() - trips).as("round trips").isEqualTo(2L * CYCLES);

        long ipm = interProcessMutexRequests(CYCLES);
        assertThat(ipm).as("InterProcessMutex requests for %d cycles", CYCLES).isGreaterThanOrEqualTo(3L * CYCLES);
        assertThat(stats.creates() - creates + stats.deletes() - deletes).isLessThan(ipm);
    }

    @Test
    void handOffsBetweenThreadsOfOneClientNeedNoListingAndNoWatch() throws Exception {
        ZkRequestStats stats = new ZkRequestStats();
        // a long lease: no renewal (which watches the held node) falls into the test
        LockClient c = clients.connect(zk.connectString(), ZkClients.CONFIG.toBuilder().leaseTime(Duration.ofSeconds(60))
                .renewInterval(Duration.ofSeconds(20)).build(), ZkLockOptions.builder().stats(stats).build());
        String name = "handoff";
        int threads = 3;
        int rounds = 15;
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        LongAdder grants = new LongAdder();
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                Mutex m = c.mutex(name);
                try {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        m.lock();
                        grants.increment();
                        m.unlock();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            workers[t].start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(grants.sum()).isEqualTo((long) threads * rounds);
        // Each acquire lists the children with its create; a waiter whose predecessor goes does
        // not list again and needs no watch, since the nodes were this client's. (A node whose
        // synchronous create has not returned to its thread yet still looks foreign to another
        // waiter, which then lists or watches: rare on a quiet machine, up to a third of the
        // acquires on a loaded one. Without the shortcut nearly every acquire would list twice
        // and watch once, so these bounds still tell the two apart.)
        long creates = stats.creates();
        assertThat(stats.childReads()).as("listings for %d creates", creates).isLessThanOrEqualTo(creates + creates / 2);
        assertThat(stats.dataReads()).as("predecessor watches for %d creates", creates).isLessThanOrEqualTo(creates / 2);
    }

    @Test
    void aWaiterBehindAReleasedHoldOfAnotherClientTakesOverWithoutListingAgain() throws Exception {
        LockClient a = longLeaseClient(new ZkRequestStats());
        ZkRequestStats bStats = new ZkRequestStats();
        LockClient b = longLeaseClient(bStats);
        ZkRequestStats cStats = new ZkRequestStats();
        LockClient c = longLeaseClient(cStats);
        String name = "marked";
        Mutex held = a.mutex(name);
        held.lock();
        CountDownLatch bHolds = new CountDownLatch(1);
        CountDownLatch bMayRelease = new CountDownLatch(1);
        Thread tb = new Thread(() -> {
            Mutex m = b.mutex(name);
            m.lock(); // granted behind a: contended, so released with a marked release
            bHolds.countDown();
            try {
                bMayRelease.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            m.unlock();
        });
        tb.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> clients.admin().lockNodes(name).size() == 2);
        CountDownLatch cHeld = new CountDownLatch(1);
        Thread tc = new Thread(() -> {
            Mutex m = c.mutex(name);
            m.lock();
            cHeld.countDown();
            m.unlock();
        });
        tc.start();
        // c listed a and b below its node and watches b
        await().atMost(Duration.ofSeconds(10)).until(() -> cStats.dataReads() == 1);
        held.unlock();
        assertThat(bHolds.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(cHeld.getCount()).as("c waits while b holds").isEqualTo(1);
        bMayRelease.countDown();
        assertThat(cHeld.await(10, TimeUnit.SECONDS)).isTrue();
        tb.join(10_000);
        tc.join(10_000);
        assertThat(bStats.markedReleases()).as("b's release").isEqualTo(1);
        assertThat(cStats.childReads()).as("c's listings: only the one sent with its create").isEqualTo(1);
        assertThat(cStats.dataReads()).as("c's watches").isEqualTo(1);
    }

    @Test
    void aWaiterBehindAWaiterThatGaveUpListsAgainAndKeepsWaiting() throws Exception {
        LockClient a = longLeaseClient(new ZkRequestStats());
        LockClient b = longLeaseClient(new ZkRequestStats());
        ZkRequestStats cStats = new ZkRequestStats();
        LockClient c = longLeaseClient(cStats);
        String name = "gave-up";
        Mutex held = a.mutex(name);
        held.lock();
        java.util.concurrent.atomic.AtomicBoolean bGot = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread tb = new Thread(() -> {
            try {
                bGot.set(b.mutex(name).tryLock(Duration.ofSeconds(30)));
            } catch (InterruptedException e) {
                bGot.set(false); // the interrupt is how the test makes b give up
            }
        });
        tb.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> clients.admin().lockNodes(name).size() == 2);
        CountDownLatch cHeld = new CountDownLatch(1);
        Thread tc = new Thread(() -> {
            Mutex m = c.mutex(name);
            m.lock();
            cHeld.countDown();
            m.unlock();
        });
        tc.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> cStats.dataReads() == 1);
        tb.interrupt(); // b deletes its node without having held: no marker
        tb.join(10_000);
        assertThat(bGot).isFalse();
        // c lists again and watches a, the holder, instead of taking the lock
        await().atMost(Duration.ofSeconds(10)).until(() -> cStats.dataReads() == 2);
        assertThat(cStats.childReads()).isEqualTo(2);
        assertThat(cHeld.getCount()).as("c waits while a holds").isEqualTo(1);
        held.unlock();
        assertThat(cHeld.await(10, TimeUnit.SECONDS)).isTrue();
        tc.join(10_000);
    }

    /** A client with a long watchdog lease: no renewal (which watches the held node) falls into a test. */
    private LockClient longLeaseClient(ZkRequestStats stats) {
        return clients.connect(zk.connectString(), ZkClients.CONFIG.toBuilder().leaseTime(Duration.ofSeconds(60))
                .renewInterval(Duration.ofSeconds(20)).build(), ZkLockOptions.builder().stats(stats).build());
    }

    /** Runs {@code cycles} uncontended acquire+release of an InterProcessMutex; returns its requests. */
    private static long interProcessMutexRequests(int cycles) {
        LongAdder requests = new LongAdder();
        try (CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
            curator.start();
            curator.blockUntilConnected(10, TimeUnit.SECONDS);
            InterProcessMutex mutex = new InterProcessMutex(curator, "/ipm-roundtrips/lock");
            mutex.acquire();
            mutex.release();
            curator.getZookeeperClient().setTracerDriver(new TracerDriver() {
                @Override
                public void addTrace(String name, long time, TimeUnit unit) {
                    if (name.endsWith("-Foreground") || name.endsWith("-Background")) {
                        requests.increment();
                    }
                }

                @Override
                public void addCount(String name, int increment) {
                }
            });
            for (int i = 0; i < cycles; i++) {
                mutex.acquire();
                mutex.release();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return requests.sum();
    }
}
