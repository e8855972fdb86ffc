package dev.distlock.samples;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import dev.distlock.embedded.AppendFsync;
import dev.distlock.embedded.EmbeddedRedisServer;
import dev.distlock.embedded.ManualClock;
import dev.distlock.redis.ReplicaAckException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The failure lab: the classic ways a Redis lock loses mutual exclusion, reproduced on embedded
 * servers (replication, append-only files and crashes of the embedded store), and what the
 * toolkit's defences do in each. For every scenario it prints who held the lock, what a fenced
 * resource did with each holder's write, and a verdict.
 *
 * <ol>
 * <li>Failover before replication: a lock taken on a primary that crashes before the write
 *     reaches its replica; the replica is promoted and grants the lock again.</li>
 * <li>The same with redis-lock's {@code minReplicaAcks=1} ({@code WAIT}): the first acquisition
 *     is not reported, so there is one holder.</li>
 * <li>A Redlock node restarted from an {@code appendfsync everysec} file within the lease, then
 *     with the restart delayed by the lease.</li>
 * <li>A split brain: a primary cut off from its replica, without and with
 *     {@code min-replicas-to-write}.</li>
 * </ol>
 *
 * <p>Runs in a few seconds; no option. The scenario tests in {@code tests}
 * ({@code dev.distlock.tests.lab}) check the same stories with assertions.
 */
public final class FailureLab {
    private static final String LOCK = "orders:42";
    private static final Duration LEASE = Duration.ofSeconds(20);
    private static final Duration REDLOCK_LEASE = Duration.ofMillis(1500);
    /** Roomy timeouts for a loaded machine; closing a client whose server crashed waits the command timeout. */
    private static final LockConfig CONFIG = LockConfig.builder().commandTimeout(Duration.ofSeconds(2))
            .connectTimeout(Duration.ofSeconds(5)).build();

    private FailureLab() {
    }

    /**
     * What one scenario came to.
     *
     * @param scenario a short title
     * @param holders how many clients believed at the same time that they held the lock
     * @param staleWriteRejected whether a fenced resource rejected the stale holder's write, or
     *        {@code null} if there was no stale holder
     * @param verdict one sentence
     */
    public record Outcome(String scenario, int holders, Boolean staleWriteRejected, String verdict) {
    }

    /** Held so the level set in {@link #main} is not lost when the logger is collected. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.lettuce.core.protocol");

    /**
     * Runs every scenario and prints the story.
     *
     * @param args ignored
     * @throws Exception if a scenario fails to run
     */
    public static void main(String[] args) throws Exception {
        // Servers crash on purpose here: Lettuce's reconnect notices and warnings would interleave with the story.
        QUIET.setLevel(java.util.logging.Level.SEVERE);
        long start = System.nanoTime();
        List<Outcome> outcomes = run(System.out);
        System.out.printf("%nSummary (%.1f s):%n", (System.nanoTime() - start) / 1e9);
        for (Outcome o : outcomes) {
            System.out.printf("  %-52s %s%n", o.scenario(), o.holders() > 1 ? "TWO HOLDERS" : "one holder");
        }
    }

    /**
     * Runs every scenario, printing what happens to {@code out}.
     *
     * @param out where the story goes
     * @return the outcomes, in order
     * @throws Exception if a scenario fails to run (a server does not start, a client cannot
     *         connect)
     */
    public static List<Outcome> run(PrintStream out) throws Exception {
        out.println("Failure lab: how Redis locks are lost, on embedded servers");
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            long start = System.nanoTime();
            outcomes.add(switch (i) {
                case 0 -> failover(out, false);
                case 1 -> failover(out, true);
                case 2 -> redlockRestart(out, false);
                case 3 -> redlockRestart(out, true);
                case 4 -> splitBrain(out, false);
                default -> splitBrain(out, true);
            });
            out.printf("   (%.1f s, servers and clients included)%n", (System.nanoTime() - start) / 1e9);
        }
        return outcomes;
    }

    // ------------------------------------------------------------------ 1 and 2: failover

    private static Outcome failover(PrintStream out, boolean waitForReplica) throws Exception {
        String title = waitForReplica ? "2. failover, with minReplicaAcks=1 (WAIT)" : "1. failover before replication";
        out.printf("%n%s%n", title);
        List<LockClient> clients = new ArrayList<>();
        try (EmbeddedRedisServer primary = EmbeddedRedisServer.builder().port(0).build().start();
                EmbeddedRedisServer replica = EmbeddedRedisServer.builder().port(0)
                        .replicaOf(primary.host(), primary.port()).build().start()) {
            awaitInSync(replica, primary);
            String params = waitForReplica ? "?minReplicaAcks=1&replicaAckTimeout=200ms" : "";
            Mutex a = connect(clients, primary.uri() + params).mutex(LOCK);
            out.printf("   a primary and its replica; client A connects to the primary%s%n",
                    waitForReplica ? " asking for one replica's acknowledgement" : "");
            primary.faults().pauseReplication();
            out.println("   the replication link stalls (the primary still answers)");
            boolean aHolds;
            try {
                aHolds = a.tryLock(Duration.ofSeconds(2), LEASE);
                out.printf("   A asks for %s: %s%n", LOCK,
                        aHolds ? "granted, token " + a.fencingToken() + " (the replica never got it)" : "refused");
            } catch (ReplicaAckException e) {
                aHolds = false;
                out.printf("   A asks for %s: NOT granted, %d of %d replica acknowledgements; the lock was given back%n",
                        LOCK, e.acknowledged(), e.required());
            }
            primary.faults().stop();
            replica.promote();
            out.println("   the primary crashes; the replica is promoted (what Sentinel does)");
            Mutex b = connect(clients, replica.uri()).mutex(LOCK);
            boolean bHolds = b.tryLock(Duration.ZERO, LEASE);
            out.printf("   B asks the promoted replica for %s: %s%n", LOCK,
                    bHolds ? "granted, token " + b.fencingToken() : "refused");
            boolean aBelieves = aHolds && a.isHeldByCurrentThread();
            int holders = (aBelieves ? 1 : 0) + (bHolds ? 1 : 0);
            out.printf("   A believes it holds the lock: %s; B: %s%n", yes(aBelieves), yes(bHolds));
            Boolean rejected = null;
            if (aBelieves && bHolds) {
                rejected = fencing(out, "B", b.fencingToken(), "A", a.fencingToken());
            }
            String verdict = holders > 1
                    ? "mutual exclusion broken by the failover; " + (Boolean.TRUE.equals(rejected)
                            ? "the fencing check rejected the stale holder's write"
                            : "the fencing check did NOT stop the stale holder")
                    : "one holder: the acquisition the replica never acknowledged was not reported";
            out.println("   Verdict: " + verdict);
            return new Outcome(title, holders, rejected, verdict);
        } finally {
            clients.parallelStream().forEach(LockClient::close);
        }
    }

    // ------------------------------------------------------------------ 3: Redlock restart

    private static Outcome redlockRestart(PrintStream out, boolean delayed) throws Exception {
        String title = delayed ? "4. Redlock node restarted after the lease" : "3. Redlock node restarted within the lease";
        out.printf("%n%s%n", title);
        Path dir = Files.createTempDirectory("failure-lab");
        List<LockClient> clients = new ArrayList<>();
        List<EmbeddedRedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                EmbeddedRedisServer.Builder b = EmbeddedRedisServer.builder().port(0)
                        .appendOnly(dir.resolve("node" + i), AppendFsync.EVERYSEC);
                if (i == 0) {
                    b.clock(new ManualClock()); // its once-a-second fsync never comes: the last second is lost every run
                }
                nodes.add(b.build().start());
            }
            String uri = "redlock://" + address(nodes.get(0)) + "," + address(nodes.get(1)) + "," + address(nodes.get(2))
                    + "?nodeTimeout=1s&attemptFraction=0.3";
            // The delayed restart waits for A's lease to end, so it is short there; elsewhere A must outlive the story.
            Duration lease = delayed ? REDLOCK_LEASE : LEASE;
            LockConfig config = LockConfig.builder().leaseTime(lease).commandTimeout(CONFIG.commandTimeout())
                    .connectTimeout(CONFIG.connectTimeout()).build();
            out.println("   three Redlock nodes, each with an append-only file fsynced every second");
            nodes.get(2).faults().stop();
            Mutex a = connect(clients, uri, config).mutex(LOCK);
            boolean aHolds = a.tryLock(Duration.ofSeconds(5), lease);
            out.printf("   node 2 is down; A asks for %s: %s, lease %d ms%n", LOCK,
                    aHolds ? "granted on nodes 0 and 1, token " + a.fencingToken() : "refused", lease.toMillis());
            nodes.get(0).faults().crash();
            out.println("   node 0 loses power: its last second of writes, A's lock among them, was never fsynced");
            nodes.get(2).faults().restart(true);
            if (!delayed) {
                // B connects once node 0 is back, so its client does not start in reconnect back-off.
                nodes.get(0).faults().restartFromDisk();
                out.println("   node 0 restarts from its file at once, without A's lock; node 2 is back");
            }
            Mutex b = connect(clients, uri, config).mutex(LOCK);
            if (delayed) {
                out.println("   node 0 stays down for the lease (the spec's delayed restart); node 2 is back");
                boolean early = b.tryLock(Duration.ofMillis(300), lease);
                out.printf("   B asks meanwhile: %s%n", early ? "granted (unexpected)" : "refused, no majority");
                if (!early) {
                    waitUntil(() -> !a.isHeldByCurrentThread(), Duration.ofSeconds(5));
                }
                out.println("   A's lease ends; node 0 restarts from its file");
                nodes.get(0).faults().restartFromDisk();
            }
            // Roomy: B's client may be in Lettuce's reconnect back-off to node 0 after the delayed restart.
            boolean bHolds = b.isHeldByCurrentThread() || b.tryLock(Duration.ofSeconds(15), lease);
            out.printf("   B asks for %s: %s%n", LOCK, bHolds ? "granted, token " + b.fencingToken() : "refused");
            boolean aBelieves = aHolds && a.isHeldByCurrentThread();
            out.printf("   A believes it holds the lock: %s; B: %s%n", yes(aBelieves), yes(bHolds));
            int holders = (aBelieves ? 1 : 0) + (bHolds ? 1 : 0);
            Boolean rejected = null;
            if (aBelieves && bHolds) {
                rejected = fencing(out, "B", b.fencingToken(), "A", a.fencingToken());
            }
            String verdict = holders > 1
                    ? "two holders: a node that lost data rejoined within the lease; "
                            + (Boolean.TRUE.equals(rejected) ? "fencing rejected the stale write" : "fencing did NOT help")
                    : "one holder: the delayed restart let A's lease end before the node could vote again";
            out.println("   Verdict: " + verdict);
            return new Outcome(title, holders, rejected, verdict);
        } finally {
            clients.parallelStream().forEach(LockClient::close);
            nodes.forEach(EmbeddedRedisServer::close);
            deleteQuietly(dir);
        }
    }

    // ------------------------------------------------------------------ 4: split brain

    private static Outcome splitBrain(PrintStream out, boolean minReplicas) throws Exception {
        String title = minReplicas ? "6. split brain, with min-replicas-to-write 1" : "5. split brain";
        out.printf("%n%s%n", title);
        List<LockClient> clients = new ArrayList<>();
        try (EmbeddedRedisServer primary = EmbeddedRedisServer.builder().port(0).minReplicasToWrite(minReplicas ? 1 : 0)
                .minReplicasMaxLag(Duration.ofSeconds(2)).build().start();
                EmbeddedRedisServer replica = EmbeddedRedisServer.builder().port(0)
                        .replicaOf(primary.host(), primary.port()).build().start()) {
            awaitInSync(replica, primary);
            String name = "orders:43";
            Mutex c = connect(clients, primary.uri()).mutex(name);
            Mutex d = connect(clients, replica.uri()).mutex(name);
            primary.faults().partitionReplication();
            replica.promote();
            out.println("   a partition cuts the primary off from its replica, which is promoted: two primaries");
            boolean cHolds;
            try {
                cHolds = c.tryLock(Duration.ZERO, LEASE);
                out.printf("   C, stranded with the old primary, asks for %s: %s%n", name,
                        cHolds ? "granted, token " + c.fencingToken() : "refused");
            } catch (BackendUnavailableException e) {
                cHolds = false;
                out.printf("   C, stranded with the old primary, asks for %s: the old primary refuses writes (%s)%n", name,
                        e.getMessage().contains("NOREPLICAS") ? "NOREPLICAS" : e.getMessage());
            }
            boolean dHolds = d.tryLock(Duration.ZERO, LEASE);
            out.printf("   D asks the promoted replica for %s: %s%n", name,
                    dHolds ? "granted, token " + d.fencingToken() : "refused");
            int holders = (cHolds ? 1 : 0) + (dHolds ? 1 : 0);
            String verdict = holders > 1 ? "two holders, one on each side of the partition"
                    : "one holder: the old primary, with no replica in contact, takes no writes";
            out.println("   Verdict: " + verdict);
            return new Outcome(title, holders, null, verdict);
        } finally {
            clients.parallelStream().forEach(LockClient::close);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The newer holder writes, then the stale one; returns whether the stale write was rejected. */
    private static boolean fencing(PrintStream out, String newer, long newerToken, String stale, long staleToken) {
        long last = 0;
        boolean newerAccepted = newerToken > last;
        if (newerAccepted) {
            last = newerToken;
        }
        boolean staleAccepted = staleToken > last;
        out.printf("   fencing: %s writes with token %d: %s; %s, late, writes with token %d: %s%n", newer, newerToken,
                newerAccepted ? "accepted" : "rejected", stale, staleToken, staleAccepted ? "ACCEPTED" : "rejected");
        return !staleAccepted;
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }

    private static String address(EmbeddedRedisServer s) {
        return s.host() + ":" + s.port();
    }

    private static LockClient connect(List<LockClient> clients, String uri) {
        return connect(clients, uri, CONFIG);
    }

    private static LockClient connect(List<LockClient> clients, String uri, LockConfig config) {
        LockClient c = LockClients.connect(uri, config);
        clients.add(c);
        return c;
    }

    /** Waits until the replica has finished its first sync and follows the primary's stream. */
    private static void awaitInSync(EmbeddedRedisServer replica, EmbeddedRedisServer primary) {
        RedisClient client = RedisClient.create(replica.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            waitUntil(() -> c.sync().info("replication").contains("master_link_status:up"), Duration.ofSeconds(20));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, Duration atMost) {
        long end = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("gave up waiting after " + atMost);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
