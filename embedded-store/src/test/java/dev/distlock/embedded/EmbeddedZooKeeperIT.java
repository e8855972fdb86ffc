package dev.distlock.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A real ZooKeeper client against {@link EmbeddedZooKeeper}, standalone and as an ensemble. */
class EmbeddedZooKeeperIT {

    /** A connected client that records every session state it sees. */
    static final class Client implements AutoCloseable {
        final BlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
        final ZooKeeper zk;

        Client(String connect, int sessionTimeoutMs) throws Exception {
            CountDownLatch connected = new CountDownLatch(1);
            zk = new ZooKeeper(connect, sessionTimeoutMs, (WatchedEvent e) -> {
                if (e.getType() == Watcher.Event.EventType.None) {
                    states.add(e.getState());
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                }
            });
            assertThat(connected.await(20, TimeUnit.SECONDS)).as("connected to " + connect).isTrue();
        }

        @Override
        public void close() {
            try {
                zk.close(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> EmbeddedZooKeeper.ensemble(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size");
        assertThatThrownBy(() -> EmbeddedZooKeeper.builder().tickTime(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tickTime");
        assertThatThrownBy(() -> EmbeddedZooKeeper.builder().sessionTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max must be at least min");
    }

    @Test
    void aFailedFirstStartClosesAndCleansUp() throws Exception {
        EmbeddedZooKeeper zk = EmbeddedZooKeeper.standalone();
        try (java.net.ServerSocket taken = new java.net.ServerSocket()) {
            taken.bind(new java.net.InetSocketAddress("127.0.0.1", zk.port(0)));
            assertThatThrownBy(zk::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + zk.port(0));
        }
        assertThat(zk.dataDirectory()).doesNotExist();
        assertThatThrownBy(zk::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Standalone {
        EmbeddedZooKeeper zk;

        @BeforeAll
        void start() {
            long t0 = System.nanoTime();
            zk = EmbeddedZooKeeper.standalone().start();
            System.out.printf("EmbeddedZooKeeper standalone started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }

        @AfterAll
        void stop() {
            zk.close();
            assertThat(zk.dataDirectory()).doesNotExist();
        }

        @Test
        void servesOnLoopbackWithDataKeptAcrossRestart() throws Exception {
            assertThat(zk.size()).isEqualTo(1);
            assertThat(zk.connectString()).isEqualTo("127.0.0.1:" + zk.port(0));
            assertThat(zk.leader()).isZero();
            try (Client c = new Client(zk.connectString(), 10_000)) {
                c.zk.create("/kept", bytes("v1"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                int port = zk.port(0);
                zk.stop();
                assertThat(zk.isRunning(0)).isFalse();
                assertThat(LoopbackPorts.accepting(port)).isFalse();
                zk.restart();
                assertThat(zk.port(0)).isEqualTo(port);
                // the same client (same session) reconnects and reads the data written before the stop
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                        .until(() -> new String(c.zk.getData("/kept", false, null), StandardCharsets.UTF_8).equals("v1"));
                assertThat(c.states).doesNotContain(Watcher.Event.KeeperState.Expired);
            }
        }

        @Test
        void expiresASessionOnTheServer() throws Exception {
            try (Client victim = new Client(zk.connectString(), 30_000);
                 Client observer = new Client(zk.connectString(), 30_000)) {
                victim.zk.create("/eph", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                long before = System.nanoTime();
                zk.expireSession(victim.zk.getSessionId());
                // the server deleted the ephemeral node at once, long before the 30 s timeout
                assertThat(observer.zk.exists("/eph", false)).isNull();
                assertThat(victim.states.poll(10, TimeUnit.SECONDS)).isNotNull();
                await().atMost(Duration.ofSeconds(10)).until(() -> victim.states.contains(Watcher.Event.KeeperState.Expired));
                assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
                assertThat(observer.states).doesNotContain(Watcher.Event.KeeperState.Expired);
                assertThatThrownBy(() -> zk.expireSession(victim.zk.getSessionId()))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an open session");
            }
        }

        @Test
        void deletesEmptyContainersAndExpiredTtlNodes() throws Exception {
            try (Client c = new Client(zk.connectString(), 10_000)) {
                c.zk.create("/box", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
                c.zk.create("/box/child", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                c.zk.delete("/box/child", -1);
                await().atMost(Duration.ofSeconds(5)).until(() -> c.zk.exists("/box", false) == null);

                c.zk.create("/ttl", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL,
                        new Stat(), 200);
                assertThat(c.zk.exists("/ttl", false)).isNotNull();
                await().atMost(Duration.ofSeconds(5)).until(() -> c.zk.exists("/ttl", false) == null);
            }
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Ensemble {
        EmbeddedZooKeeper zk;

        @BeforeAll
        void start() {
            long t0 = System.nanoTime();
            zk = EmbeddedZooKeeper.ensemble(3).start();
            System.out.printf("EmbeddedZooKeeper ensemble(3) started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }

        @AfterAll
        void stop() {
            zk.close();
        }

        @Test
        void survivesTheLossOfItsLeaderAndTakesTheMemberBack() throws Exception {
            assertThat(zk.connectString().split(",")).hasSize(3);
            try (Client c = new Client(zk.connectString(), 20_000)) {
                c.zk.create("/before", bytes("x"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                int oldLeader = zk.leader();
                zk.kill(oldLeader);
                assertThat(zk.isRunning(oldLeader)).isFalse();
                int newLeader = zk.leader();
                assertThat(newLeader).isNotEqualTo(oldLeader);
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
                    c.zk.create("/after", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    return true;
                });
                assertThat(c.zk.getData("/before", false, null)).isEqualTo(bytes("x"));
                zk.restart(oldLeader);
                assertThat(zk.isRunning(oldLeader)).isTrue();
                // the old leader rejoined and caught up: a client talking only to it sees both nodes
                try (Client direct = new Client(zk.connectString(oldLeader), 20_000)) {
                    direct.zk.sync("/", (rc, path, ctx) -> { }, null);
                    await().atMost(Duration.ofSeconds(10)).until(() -> direct.zk.exists("/after", false) != null);
                }
            }
        }

        @Test
        void expiresASessionHeldThroughAFollower() throws Exception {
            int leader = zk.leader();
            int follower = (leader + 1) % zk.size();
            try (Client victim = new Client(zk.connectString(follower), 30_000);
                 Client observer = new Client(zk.connectString(leader), 30_000)) {
                victim.zk.create("/eph-f", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                long sessions = zk.sessionCount();
                zk.expireSession(victim.zk);
                // The close goes through the leader's commit pipeline: await its effects, bounded.
                await().atMost(Duration.ofSeconds(10)).until(() -> zk.sessionCount() == sessions - 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> victim.states.contains(Watcher.Event.KeeperState.Expired));
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    observer.zk.sync("/", (rc, path, ctx) -> { }, null);
                    return observer.zk.exists("/eph-f", false) == null;
                });
                assertThatThrownBy(() -> victim.zk.exists("/eph-f", false))
                        .isInstanceOf(KeeperException.SessionExpiredException.class);
            }
        }
    }
}
