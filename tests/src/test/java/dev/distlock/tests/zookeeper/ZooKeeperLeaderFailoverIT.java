package dev.distlock.tests.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.LockException;
import dev.distlock.Mutex;
import dev.distlock.embedded.EmbeddedZooKeeper;
import dev.distlock.zookeeper.ZkLockOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ensemble's leader is killed while six threads of three clients contend for one lock:
 * nobody is ever inside the critical section together with another holder, fencing tokens
 * keep growing in grant order, and the contention goes on once a new leader is elected.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ZooKeeperLeaderFailoverIT {
    /** A long watchdog lease: the session rules, not a slow renewal during the election, decide. */
    private static final LockConfig CONFIG = ZkClients.CONFIG.toBuilder()
            .leaseTime(Duration.ofSeconds(20)).renewInterval(Duration.ofSeconds(2)).commandTimeout(Duration.ofSeconds(5))
            .build();

    private EmbeddedZooKeeper zk;
    private ZkClients clients;

    @BeforeEach
    void start() {
        zk = EmbeddedZooKeeper.ensemble(3).start();
        clients = new ZkClients(zk);
    }

    @AfterEach
    void stop() {
        clients.close();
        zk.close();
    }

    @Test
    void killingTheLeaderDuringContentionNeverGivesTwoHolders() throws Exception {
        String name = "failover";
        List<LockClient> lockClients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // each client prefers a different member, so that sessions sit on the leader and on followers
            List<String> hosts = new ArrayList<>(List.of(zk.connectString().split(",")));
            Collections.rotate(hosts, i);
            lockClients.add(clients.connect(String.join(",", hosts), CONFIG, ZkLockOptions.defaults()));
        }
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger grants = new AtomicInteger();
        AtomicInteger failedReleases = new AtomicInteger();
        List<Long> tokens = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        List<CompletableFuture<Throwable>> workers = new ArrayList<>();
        for (LockClient c : lockClients) {
            for (int t = 0; t < 2; t++) {
                CompletableFuture<Throwable> done = new CompletableFuture<>();
                workers.add(done);
                Mutex m = c.mutex(name);
                new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            if (!m.tryLock(Duration.ofSeconds(30))) {
                                continue;
                            }
                            try {
                                if (inside.incrementAndGet() != 1) {
                                    overlaps.incrementAndGet();
                                }
                                tokens.add(m.fencingToken());
                                grants.incrementAndGet();
                                Thread.yield();
                                inside.decrementAndGet();
                            } finally {
                                try {
                                    m.unlock();
                                } catch (LockException e) {
                                    // a release cut off by the election: retried on reconnect
                                    failedReleases.incrementAndGet();
                                }
                            }
                        }
                        done.complete(null);
                    } catch (Throwable e) {
                        done.complete(e);
                    }
                }, "contender").start();
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> grants.get() >= 50);
        int leader = zk.leader();
        zk.kill(leader);
        int atKill = grants.get();
        int newLeader = zk.leader(Duration.ofSeconds(30));
        assertThat(newLeader).isNotEqualTo(leader);
        await().atMost(Duration.ofSeconds(30)).until(() -> grants.get() >= atKill + 50);
        stop.set(true);
        for (CompletableFuture<Throwable> w : workers) {
            assertThat(w.get(40, TimeUnit.SECONDS)).as("contender failure").isNull();
        }
        assertThat(overlaps.get()).as("critical sections that overlapped").isZero();
        synchronized (tokens) {
            assertThat(tokens).as("tokens in grant order").isSorted().doesNotHaveDuplicates();
        }
        ZkAdmin admin = new ZkAdmin(zk.connectString(), clients.namespace);
        try {
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(admin.lockNodes(name)).isEmpty());
        } finally {
            admin.close();
        }
        System.out.printf("failover: %d grants (%d after the leader was killed), %d releases cut off%n", grants.get(),
                grants.get() - atKill, failedReleases.get());
    }
}
