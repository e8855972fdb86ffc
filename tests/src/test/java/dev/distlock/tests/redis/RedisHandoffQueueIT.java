package dev.distlock.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import dev.distlock.embedded.RedisProcess;
import dev.distlock.redis.RedisKeyLayout;
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
 * The server-side queue of waiting clients, on a real redis-server: a release wakes only the
 * first queued client, so server commands per handoff do not grow with the number of waiting
 * clients; a crashed client's entry does not hold up the next handoff; a waiter that gives up
 * leaves the queue.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisHandoffQueueIT {
    private static final RedisKeyLayout LAYOUT = RedisKeyLayout.defaults();
    /**
     * Server commands per handoff allowed: the release (5 with a wake-up), the woken client's
     * acquire (6), its share of the last waiter's release (4 ÷ waiters) and of the UNSUBSCRIBEs
     * (1 per client, if its linger ended inside the window): 11.2 measured with 20 waiting
     * clients, 15 with one. Waking every waiting client costs about 50 with 20.
     */
    private static final double MAX_COMMANDS_PER_HANDOFF = 20;
    private static RedisProcess redis;

    private final List<LockClient> clients = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final String tag = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startRedis() {
        assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed (apt-get install redis-server)");
        redis = RedisProcess.startDefault();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void closeClients() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        clients.forEach(LockClient::close);
    }

    private LockClient client(String name) {
        LockClient c = LockClients.connect(redis.uri(),
                LockConfig.builder().clientName(name + "-" + tag).leaseTime(Duration.ofMinutes(10)).build());
        clients.add(c);
        return c;
    }

    /** Every command the server ran (scripts' inner commands included), less the probes' INFO. */
    private static long serverCommands() {
        long total = 0;
        for (String line : ((String) redis.call("INFO", "commandstats")).split("\r?\n")) {
            if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
                int from = line.indexOf("calls=") + "calls=".length();
                total += Long.parseLong(line.substring(from, line.indexOf(',', from)));
            }
        }
        return total;
    }

    private static long queued(String name) {
        return (Long) redis.call("ZCARD", LAYOUT.queueKey(name));
    }

    /**
     * Lets {@code waiters} clients (one thread each) queue up behind a holder, then measures the
     * server commands of the chain of handoffs that the holder's release starts: each waiter takes
     * the lock once and releases it at once.
     */
    private double commandsPerHandoff(int waiters) throws Exception {
        String name = "flat" + waiters + ":" + tag;
        Mutex h = client("holder" + waiters).mutex(name);
        h.lock(); // loads the scripts, so that no NOSCRIPT + EVAL is counted below
        h.unlock();
        h.lock();
        List<Future<Boolean>> futures = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            Mutex m = client("w" + waiters + "-" + i).mutex(name);
            futures.add(pool.submit(() -> {
                if (!m.tryLock(Duration.ofSeconds(40))) {
                    return false;
                }
                m.unlock();
                return true;
            }));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> queued(name) == waiters
                && RedisAdmin.subscribers(redis, LAYOUT.channel(name)) == waiters);
        long before = serverCommands();
        h.unlock();
        for (Future<Boolean> f : futures) {
            assertThat(f.get(40, TimeUnit.SECONDS)).isTrue();
        }
        long used = serverCommands() - before;
        assertThat(queued(name)).as("queue after every waiter got the lock").isZero();
        return (double) used / waiters;
    }

    @Test
    void serverCommandsPerHandoffDoNotGrowWithTheNumberOfWaitingClients() throws Exception {
        double one = commandsPerHandoff(1);
        double twenty = commandsPerHandoff(20);
        // Were every waiting client woken by each release, 20 waiters would cost ~50 per handoff.
        assertThat(one).as("commands per handoff, 1 waiting client").isLessThanOrEqualTo(MAX_COMMANDS_PER_HANDOFF);
        assertThat(twenty).as("commands per handoff, 20 waiting clients (1 waiting: %.1f)", one)
                .isLessThanOrEqualTo(MAX_COMMANDS_PER_HANDOFF);
    }

    @Test
    void aCrashedClientAtTheHeadOfTheQueueDoesNotHoldUpTheNextHandoff() throws Exception {
        String name = "crash:" + tag;
        Mutex h = client("crash-holder").mutex(name);
        h.lock();
        Mutex w = client("crash-waiter").mutex(name);
        Future<Boolean> waiter = pool.submit(() -> {
            boolean got = w.tryLock(Duration.ofSeconds(40));
            if (got) {
                w.unlock();
            }
            return got;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> queued(name) == 1
                && RedisAdmin.subscribers(redis, LAYOUT.channel(name)) == 1);
        // A client that died while queued: an entry ahead of the live waiter, valid for a long
        // time, and nobody listening on its channel.
        @SuppressWarnings("unchecked")
        List<Object> live = (List<Object>) redis.call("ZRANGE", LAYOUT.queueKey(name), "0", "0", "WITHSCORES");
        long liveScore = Long.parseLong(String.valueOf(live.get(1)));
        redis.call("ZADD", LAYOUT.queueKey(name), Long.toString(liveScore - 1), "crashed-client");
        long released = System.nanoTime();
        h.unlock();
        // The waiter's own timer is at the holder's TTL (ten minutes): only the queue can wake it.
        assertThat(waiter.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - released)).as("handoff past a crashed client")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(queued(name)).as("the crashed client's entry was dropped").isZero();
    }

    @Test
    void aWaiterThatTimesOutLeavesTheQueueAndItsChannel() throws Exception {
        String name = "timeout:" + tag;
        Mutex h = client("to-holder").mutex(name);
        h.lock();
        Mutex w = client("to-waiter").mutex(name);
        assertThat(pool.submit(() -> w.tryLock(Duration.ofMillis(300))).get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(queued(name)).as("queue entries after the timeout").isZero();
        assertThat(RedisAdmin.subscribers(redis, LAYOUT.channel(name))).isZero();
        h.unlock();
    }
}
