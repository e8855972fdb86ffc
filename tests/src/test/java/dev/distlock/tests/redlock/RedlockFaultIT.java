package dev.distlock.tests.redlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.distlock.BackendUnavailableException;
import dev.distlock.Lease;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.LockLostException;
import dev.distlock.Mutex;
import dev.distlock.embedded.RedisProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redlock under node failures, on three real {@code redis-server} processes: one node down,
 * two nodes down, a node frozen (SIGSTOP) past the lease, and a node restarted empty within the
 * lease (the "delayed restart" requirement), with and without the required delay.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedlockFaultIT {
    private static RedlockNodes nodes;
    private final List<LockClient> clients = new ArrayList<>();
    private String name;

    @BeforeAll
    static void start() {
        nodes = RedlockNodes.processes(3);
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @BeforeEach
    void freshName() {
        name = "fault:" + UUID.randomUUID();
    }

    @AfterEach
    void heal() {
        for (LockClient c : clients) {
            c.close();
        }
        for (RedisProcess p : nodes.processes) {
            p.resume();
            if (!p.isRunning()) {
                p.restart(false);
            }
        }
    }

    private static LockConfig config() {
        return LockConfig.builder().leaseTime(Duration.ofMillis(1500)).renewInterval(Duration.ofMillis(500))
                .commandTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(3)).build();
    }

    private LockClient client() {
        return client(null);
    }

    private LockClient client(String clientName) {
        LockConfig config = clientName == null ? config() : config().toBuilder().clientName(clientName).build();
        LockClient c = LockClients.connect(nodes.uri("nodeTimeout=200ms"), config);
        clients.add(c);
        return c;
    }

    /** Waits until the client named {@code clientName} is connected to node {@code i} again. */
    private void awaitConnected(String clientName, int i) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> nodes.clientList(i).contains("name=" + clientName + " "));
    }

    private RedisProcess node(int i) {
        return nodes.processes.get(i);
    }

    @Test
    void oneNodeOfThreeDownStillLocksExcludesAndFences() throws Exception {
        LockClient a = client();
        node(2).kill();
        LockClient b = client(); // connects with a node already down
        Mutex ma = a.mutex(name);
        Mutex mb = b.mutex(name);
        long first;
        try (Lease l = ma.acquire(Duration.ofSeconds(2))) {
            first = l.fencingToken();
            assertThat(nodes.lockValue(0, name)).isNotNull();
            assertThat(nodes.lockValue(1, name)).isEqualTo(nodes.lockValue(0, name));
            assertThat(mb.tryLock(Duration.ofMillis(300))).as("second client while held").isFalse();
            assertThat(mb.isLocked()).isTrue();
        }
        try (Lease l = mb.acquire(Duration.ofSeconds(2))) {
            assertThat(l.fencingToken()).isGreaterThan(first);
        }
        assertThat(ma.isLocked()).isFalse();
    }

    @Test
    void twoNodesOfThreeDownFailWithinTheWaitNamingEveryNode() {
        LockClient a = client();
        node(0).kill();
        node(1).pause(); // one refuses, one never answers
        Mutex m = a.mutex(name);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> m.tryLock(Duration.ofMillis(800)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("127.0.0.1:" + node(0).port() + " refused")
                .hasMessageContaining("127.0.0.1:" + node(1).port() + " timeout")
                .hasMessageContaining("127.0.0.1:" + node(2).port() + " granted");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(ms).as("ms until the failure").isBetween(700L, 2500L);
        assertThat(nodes.lockValue(2, name)).as("the granted node was undone").isNull();
        assertThat(m.isHeldByCurrentThread()).isFalse();
    }

    @Test
    void nodePausedPastTheLeaseNeverMakesTwoHolders() throws Exception {
        LockClient a = client();
        LockClient b = client();
        Mutex ma = a.mutex(name);
        Mutex mb = b.mutex(name);
        Lease held = ma.acquire(Duration.ofSeconds(2));
        node(0).pause();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500); // past the 1.5 s lease
        int tries = 0;
        while (System.nanoTime() - until < 0) {
            // The passing of time is the behaviour under test: B keeps trying while A's lease is renewed.
            assertThat(mb.tryLock(Duration.ofMillis(200))).as("B while A holds and node 0 is frozen").isFalse();
            assertThat(held.isValid()).as("A, renewed by the two live nodes").isTrue();
            tries++;
        }
        node(0).resume();
        assertThat(tries).isGreaterThan(3);
        assertThat(mb.tryLock(Duration.ofMillis(300))).as("B after node 0 is back").isFalse();
        assertThat(held.isValid()).isTrue();
        long token = held.fencingToken();
        held.close();
        try (Lease l = mb.acquire(Duration.ofSeconds(2))) {
            assertThat(l.fencingToken()).isGreaterThan(token);
        }
    }

    /**
     * The Redlock caveat: A holds on {0, 1} (node 2 was down); node 0 restarts empty at once and
     * node 2 comes back; B now gets {0, 2} while A's lease is still valid — two holders. Only
     * the fencing token tells them apart, and A learns it only at unlock.
     */
    @Test
    void nodeRestartedEmptyWithinTheLeaseAllowsASecondHolder() throws Exception {
        node(2).kill();
        LockClient a = client("holder-a");
        Mutex ma = a.mutex(name);
        assertThat(ma.tryLock(Duration.ofSeconds(2), Duration.ofSeconds(20))).isTrue();
        long tokenA = ma.fencingToken();
        node(0).restart(false);
        node(2).restart(false);
        awaitConnected("holder-a", 0);
        awaitConnected("holder-a", 2);
        LockClient b = client();
        Mutex mb = b.mutex(name);
        assertThat(mb.tryLock(Duration.ofSeconds(3), Duration.ofSeconds(20))).as("B gets {0, 2}").isTrue();
        assertThat(ma.isHeldByCurrentThread()).as("A still believes it holds: two holders").isTrue();
        assertThat(mb.fencingToken()).as("fencing still orders them").isGreaterThan(tokenA);
        mb.unlock();
        assertThatThrownBy(ma::unlock).isInstanceOf(LockLostException.class);
    }

    /** The same crash, but node 0 stays down for longer than A's lease (the required delay). */
    @Test
    void delayedRestartKeepsOneHolder() throws Exception {
        node(2).kill();
        LockClient a = client("holder-a");
        Mutex ma = a.mutex(name);
        Duration lease = Duration.ofMillis(1500);
        assertThat(ma.tryLock(Duration.ofSeconds(2), lease)).isTrue();
        long tokenA = ma.fencingToken();
        node(0).kill();
        node(2).restart(false);
        LockClient b = client();
        Mutex mb = b.mutex(name);
        // Node 0 stays down: B can get node 2 only, node 1 still has A.
        assertThat(mb.tryLock(Duration.ofMillis(300), lease)).as("B while node 0 is down").isFalse();
        await().pollInSameThread().atMost(Duration.ofSeconds(5)).until(() -> !ma.isHeldByCurrentThread());
        node(0).restart(false); // only after a full lease
        assertThat(mb.tryLock(Duration.ofSeconds(3), lease)).as("B after the delayed restart").isTrue();
        assertThat(mb.fencingToken()).isGreaterThan(tokenA);
        mb.unlock();
        assertThatThrownBy(ma::unlock).as("A's fixed lease ran out").isInstanceOf(LockLostException.class);
    }
}
