package dev.distlock.tests.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import dev.distlock.embedded.AppendFsync;
import dev.distlock.embedded.EmbeddedRedisServer;
import dev.distlock.embedded.ManualClock;
import dev.distlock.redis.RedisKeyLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * <b>A Redlock node restarted from an {@code appendfsync everysec} file within the lease.</b>
 *
 * <p>Three independent nodes, each with an append-only file. Node 2 is down when client A
 * acquires {@code report:nightly}, so A holds it on nodes 0 and 1 — a majority, as Redlock
 * allows. Then node 0 loses power. With {@code everysec} the file is fsynced about once a second,
 * so what was written in the last second — A's lock — is gone from disk.
 *
 * <ul>
 * <li><b>Immediate restart</b> (the first test): node 0 comes back from its file at once and node
 *     2 comes back too. Client B asks for the lock: nodes 0 and 2 grant it, node 1 refuses — a
 *     majority. A's lease has not run out: <b>two holders</b>. This is why the Redlock spec asks
 *     for a <em>delayed restart</em>: a node that may have lost data must stay down for at least
 *     the longest lease. B's fencing token is still larger than A's (the node counters that knew
 *     A's token are gone from the majority B used, and a node without a counter starts from the
 *     acquiring client's clock in µs), so a fenced resource rejects A's late write.</li>
 * <li><b>Delayed restart</b> (the second test): node 0 stays down for the lease. Meanwhile B cannot
 *     get a majority (node 1 still has A's lock, node 0 is down); by the time node 0 is back, A's
 *     lease is over — on node 1 and in A's own client — and B's acquisition overlaps nobody.</li>
 * <li><b>{@code appendfsync always}</b> (the third test): the lock was on disk before A was told it
 *     holds it, so the immediate restart keeps it and B gets no majority.</li>
 * </ul>
 *
 * <p>Node 0 runs on a {@link ManualClock} that the test does not advance: its once-a-second fsync
 * then never comes, so "the last second" is lost on every run instead of in a timing window.
 */
@Timeout(60)
class RedlockRestartFromAofTest {
    private static final String LOCK = "report:nightly";
    /** Long enough for A to still hold the lock at the end of a test on a loaded machine. */
    private static final Duration LEASE = Duration.ofSeconds(15);
    /** The lease of the delayed-restart test, which waits for it to run out. */
    private static final Duration SHORT_LEASE = Duration.ofMillis(3000);

    @TempDir
    Path dir;
    private final List<EmbeddedRedisServer> nodes = new ArrayList<>();
    private final List<LockClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(LockClient::close);
        nodes.forEach(EmbeddedRedisServer::close);
    }

    /** Starts three nodes with append-only files; node 0 on a clock that stands still. */
    private void startNodes(AppendFsync policy) {
        for (int i = 0; i < 3; i++) {
            EmbeddedRedisServer.Builder b = EmbeddedRedisServer.builder().port(0).appendOnly(dir.resolve("node" + i), policy);
            if (i == 0) {
                b.clock(new ManualClock());
            }
            nodes.add(b.build().start());
        }
    }

    private LockClient client() {
        LockConfig config = LockConfig.builder().leaseTime(LEASE).commandTimeout(Duration.ofSeconds(3))
                .connectTimeout(Duration.ofSeconds(3)).build();
        String uri = "redlock://" + nodes.get(0).host() + ":" + nodes.get(0).port() + "," + nodes.get(1).host() + ":"
                + nodes.get(1).port() + "," + nodes.get(2).host() + ":" + nodes.get(2).port()
                + "?nodeTimeout=1s&attemptFraction=0.3";
        LockClient c = LockClients.connect(uri, config);
        clients.add(c);
        return c;
    }

    /** A takes the lock while node 2 is down: it holds nodes 0 and 1. Then node 0 loses power. */
    private Mutex aHoldsOnNodes0And1ThenNode0Crashes(Duration lease) throws InterruptedException {
        nodes.get(2).faults().stop();
        Mutex a = client().mutex(LOCK);
        assertThat(a.tryLock(Duration.ofSeconds(5), lease)).as("A on nodes 0 and 1").isTrue();
        String key = RedisKeyLayout.defaults().lockKey(LOCK);
        assertThat(LabServers.exists(nodes.get(0), key)).isTrue();
        assertThat(LabServers.exists(nodes.get(1), key)).isTrue();
        nodes.get(0).faults().crash();
        return a;
    }

    @Test
    void restartedWithinTheLeaseTheNodeForgetsTheLockAndASecondClientGetsAMajority() throws Exception {
        startNodes(AppendFsync.EVERYSEC);
        Mutex a = aHoldsOnNodes0And1ThenNode0Crashes(LEASE);
        nodes.get(0).faults().restartFromDisk();
        nodes.get(2).faults().restart(true);
        assertThat(LabServers.exists(nodes.get(0), RedisKeyLayout.defaults().lockKey(LOCK)))
                .as("the last second was not fsynced: A's lock is not in node 0's file").isFalse();

        Mutex b = client().mutex(LOCK);
        assertThat(b.tryLock(Duration.ofSeconds(5), LEASE)).as("B on nodes 0 and 2").isTrue();
        assertThat(a.isHeldByCurrentThread()).as("A's lease still runs: two holders").isTrue();

        FencedResource report = new FencedResource();
        assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
        assertThat(report.write("B", b.fencingToken(), "report by B")).isTrue();
        assertThat(report.write("A", a.fencingToken(), "report by A")).as("A's late write is rejected").isFalse();
    }

    @Test
    void restartedOnlyAfterTheLeaseTheNodeCannotHelpASecondHolderOverlapTheFirst() throws Exception {
        startNodes(AppendFsync.EVERYSEC);
        Mutex a = aHoldsOnNodes0And1ThenNode0Crashes(SHORT_LEASE);
        nodes.get(2).faults().restart(true);

        Mutex b = client().mutex(LOCK);
        assertThat(b.tryLock(Duration.ofMillis(300), SHORT_LEASE)).as("B while node 0 stays down").isFalse();
        // The delay is the behaviour under test: node 0 stays down until A's lease is over.
        await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> !a.isHeldByCurrentThread());
        nodes.get(0).faults().restartFromDisk();

        assertThat(b.tryLock(Duration.ofSeconds(5), SHORT_LEASE)).as("B after the delayed restart").isTrue();
        assertThat(a.isHeldByCurrentThread()).as("A knows its lease is over: one holder").isFalse();
        assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
    }

    @Test
    void withAppendfsyncAlwaysTheRestartedNodeStillHasTheLock() throws Exception {
        startNodes(AppendFsync.ALWAYS);
        Mutex a = aHoldsOnNodes0And1ThenNode0Crashes(LEASE);
        nodes.get(0).faults().restartFromDisk();
        nodes.get(2).faults().restart(true);
        assertThat(LabServers.exists(nodes.get(0), RedisKeyLayout.defaults().lockKey(LOCK)))
                .as("fsynced before A was answered").isTrue();

        Mutex b = client().mutex(LOCK);
        assertThat(b.tryLock(Duration.ofMillis(300), LEASE)).as("B gets node 2 only").isFalse();
        assertThat(a.isHeldByCurrentThread()).isTrue();
    }
}
