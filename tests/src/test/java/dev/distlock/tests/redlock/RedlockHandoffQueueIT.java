package dev.distlock.tests.redlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redlock's per-node queue of waiting clients, on three real redis-server processes: a release
 * wakes only the head of each node's queue, so the commands each node runs per handoff do not
 * grow with the number of waiting clients, and every winner leaves the queues.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedlockHandoffQueueIT {
    /**
     * Commands per handoff allowed on each node: the release (5 with a wake-up), the woken
     * client's acquire (5), its share of the failed attempts (6 each), of a winner's dequeue on
     * a node that said "taken" (4) and of the last waiter's clean-up: 15 to 19 measured with one
     * waiting client (a single handoff), 13 to 17 with ten. Waking every waiting client, as
     * before the queue, cost about 47 per node with ten (the benchmark's 140 cmds/op over three
     * nodes) and over 400 with a hundred.
     */
    private static final double MAX_COMMANDS_PER_HANDOFF_PER_NODE = 25;
    private static RedlockNodes nodes;

    private final List<LockClient> clients = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final String tag = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startNodes() {
        nodes = RedlockNodes.processes(3);
    }

    @AfterAll
    static void stopNodes() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @AfterEach
    void closeClients() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        clients.forEach(LockClient::close);
    }

    private LockClient client(String name) {
        // A ten-minute lease: a waiter's own timer (at the holder's TTL, at most 2 s) is then the
        // only other way to wake it, and the test's time bounds leave no room for it.
        LockClient c = LockClients.connect(nodes.uri(""),
                LockConfig.builder().clientName(name + "-" + tag).leaseTime(Duration.ofMinutes(10)).build());
        clients.add(c);
        return c;
    }

    /**
     * Lets {@code waiters} clients (one thread each) queue up behind a holder, then measures, per
     * node, the commands of the chain of handoffs the holder's release starts: each waiter takes
     * the lock once and releases it at once.
     */
    private double[] commandsPerHandoff(int waiters) throws Exception {
        String name = "flat" + waiters + ":" + tag;
        Mutex h = client("holder" + waiters).mutex(name);
        h.lock(); // loads the scripts, so that no NOSCRIPT + EVAL is counted below
        h.unlock();
        h.lock();
        List<Future<Boolean>> futures = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            Mutex m = client("w" + waiters + "-" + i).mutex(name);
            futures.add(pool.submit(() -> {
                if (!m.tryLock(Duration.ofSeconds(30))) {
                    return false;
                }
                m.unlock();
                return true;
            }));
        }
        String channel = RedlockNodes.LAYOUT.channel(name);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.queued(i, name) != waiters || nodes.wakeSubscribers(i, channel) != waiters) {
                    return false;
                }
            }
            return true;
        });
        // The clients chose their places (when their waits began), so every node orders them alike:
        // a release then wakes the same client everywhere, not one per node who split the vote.
        for (int i = 1; i < nodes.size(); i++) {
            assertThat(nodes.queueOrder(i, name)).as("queue order on node %d against node 0", i)
                    .isEqualTo(nodes.queueOrder(0, name));
        }
        long[] before = new long[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            before[i] = nodes.commands(i);
        }
        h.unlock();
        for (Future<Boolean> f : futures) {
            assertThat(f.get(30, TimeUnit.SECONDS)).as("a waiter got the lock").isTrue();
        }
        double[] perNode = new double[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            perNode[i] = (double) (nodes.commands(i) - before[i]) / waiters;
        }
        for (int i = 0; i < nodes.size(); i++) {
            int node = i;
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(nodes.queued(node, name))
                    .as("queue on node %d after every waiter got the lock", node).isZero());
        }
        return perNode;
    }

    @Test
    void commandsPerHandoffOnEachNodeDoNotGrowWithTheNumberOfWaitingClients() throws Exception {
        double[] one = commandsPerHandoff(1);
        double[] ten = commandsPerHandoff(10);
        System.out.printf("redlock commands per handoff per node: 1 waiter %s, 10 waiters %s%n",
                java.util.Arrays.toString(one), java.util.Arrays.toString(ten));
        for (int i = 0; i < nodes.size(); i++) {
            assertThat(one[i]).as("node %d: commands per handoff, 1 waiting client", i)
                    .isLessThanOrEqualTo(MAX_COMMANDS_PER_HANDOFF_PER_NODE);
            assertThat(ten[i]).as("node %d: commands per handoff, 10 waiting clients (1 waiting: %.1f)", i, one[i])
                    .isLessThanOrEqualTo(MAX_COMMANDS_PER_HANDOFF_PER_NODE);
        }
    }
}
