package dev.distlock.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import dev.distlock.embedded.EmbeddedStore;
import dev.distlock.embedded.EmbeddedStoreExtension;
import dev.distlock.embedded.RedisProcess;
import dev.distlock.redis.RedisKeyLayout;
import dev.distlock.redis.internal.LockScripts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How the Redis backend waits and what it sends, observed on a real redis-server: round trips
 * per operation, one subscription per name and one pub/sub connection per client, a release
 * waking one waiter per client, script reloading, batched renewals.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@SuppressWarnings("unchecked")
@ExtendWith(EmbeddedStoreExtension.class)
class RedisWaitingIT {
    private static final RedisKeyLayout LAYOUT = RedisKeyLayout.defaults();
    @EmbeddedStore
    static RedisProcess redis;

    private final List<LockClient> clients = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final String tag = UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void closeClients() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        clients.forEach(LockClient::close);
    }

    private LockClient client(String name, Duration lease) {
        LockClient c = LockClients.connect(redis.uri(),
                LockConfig.builder().clientName(name + "-" + tag).leaseTime(lease).build());
        clients.add(c);
        return c;
    }

    private List<Map<String, String>> connections(String name) {
        return RedisAdmin.connections(redis, name + "-" + tag);
    }

    @Test
    void uncontendedLockAndUnlockAreOneRoundTripEachOnOneConnection() {
        LockClient c = client("solo", Duration.ofSeconds(30));
        Mutex m = c.mutex("solo:" + tag);
        m.lock();
        m.unlock();
        long before = RedisAdmin.scriptCalls(redis);
        for (int i = 0; i < 10; i++) {
            m.lock();
            m.unlock();
        }
        assertThat(RedisAdmin.scriptCalls(redis) - before).as("scripts for 10 lock+unlock").isEqualTo(20);
        assertThat(connections("solo")).as("connections of an uncontended client").hasSize(1);
        assertThat(RedisAdmin.subscribers(redis, LAYOUT.channel("solo:" + tag))).isZero();
    }

    @Test
    void waitersOfOneClientShareOneSubscriptionPerNameAndOnePubSubConnection() throws Exception {
        String n1 = "share1:" + tag;
        String n2 = "share2:" + tag;
        LockClient holder = client("holder", Duration.ofSeconds(30));
        LockClient waiters = client("waiters", Duration.ofSeconds(30));
        Mutex h1 = holder.mutex(n1);
        Mutex h2 = holder.mutex(n2);
        h1.lock();
        h2.lock();
        List<Future<Boolean>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String name = i < 3 ? n1 : n2;
            futures.add(pool.submit(() -> {
                Mutex m = waiters.mutex(name);
                boolean got = m.tryLock(Duration.ofSeconds(20));
                if (got) {
                    m.unlock();
                }
                return got;
            }));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(RedisAdmin.subscribers(redis, LAYOUT.channel(n1))).isEqualTo(1);
            assertThat(RedisAdmin.subscribers(redis, LAYOUT.channel(n2))).isEqualTo(1);
        });
        List<Map<String, String>> conns = connections("waiters");
        assertThat(conns).as("command + pub/sub connection").hasSize(2);
        assertThat(conns).filteredOn(c -> "2".equals(c.get("sub"))).as("one connection with both channels").hasSize(1);
        h1.unlock();
        h2.unlock();
        for (Future<Boolean> f : futures) {
            assertThat(f.get(20, TimeUnit.SECONDS)).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(RedisAdmin.subscribers(redis, LAYOUT.channel(n1))).isZero();
            assertThat(RedisAdmin.subscribers(redis, LAYOUT.channel(n2))).isZero();
        });
        assertThat(connections("waiters")).filteredOn(c -> !"0".equals(c.get("sub"))).isEmpty();
    }

    @Test
    void aReleaseWakesOnlyOneWaiterOfTheFirstQueuedClient() throws Exception {
        String name = "herd:" + tag;
        // Leases of ten minutes: no watchdog renewal may add to the script count during the test.
        Duration lease = Duration.ofMinutes(10);
        LockClient holder = client("herd-holder", lease);
        List<LockClient> waitingClients = List.of(client("herd-a", lease), client("herd-b", lease));
        Mutex h = holder.mutex(name);
        h.lock(); // loads the scripts, so that none costs a NOSCRIPT + EVAL below
        h.unlock();
        h.lock();
        long base = RedisAdmin.scriptCalls(redis);
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicInteger holders = new AtomicInteger();
        List<Future<Boolean>> futures = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (LockClient c : waitingClients) {
                for (int i = 0; i < (round == 0 ? 1 : 2); i++) {
                    futures.add(pool.submit(() -> {
                        Mutex m = c.mutex(name);
                        if (!m.tryLock(Duration.ofSeconds(30))) {
                            return false;
                        }
                        holders.incrementAndGet();
                        letGo.await();
                        m.unlock();
                        return true;
                    }));
                }
            }
            // The first waiter of each client tries, subscribes and tries again (2 scripts each);
            // later waiters find the subscription live and park after one try.
            long expected = round == 0 ? 4 : 8;
            await().atMost(Duration.ofSeconds(10)).until(() -> RedisAdmin.scriptCalls(redis) - base >= expected);
            assertThat(RedisAdmin.scriptCalls(redis) - base).as("scripts after round " + round).isEqualTo(expected);
        }
        h.unlock();
        await().atMost(Duration.ofSeconds(5)).until(() -> holders.get() == 1);
        // The passing of time is what is checked: nobody else tries while the new holder holds.
        Thread.sleep(300);
        assertThat(RedisAdmin.scriptCalls(redis) - base)
                .as("scripts: 8 before, the release, one retry by the first queued client").isEqualTo(10);
        assertThat(holders.get()).isEqualTo(1);
        letGo.countDown();
        for (Future<Boolean> f : futures) {
            assertThat(f.get(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(holders.get()).isEqualTo(6);
    }

    @Test
    void aWaiterThatGotTheLockKeepsItsSubscriptionBrieflyForItsNextWait() throws Exception {
        String name = "linger:" + tag;
        Mutex a = client("linger-a", Duration.ofSeconds(30)).mutex(name);
        Mutex b = client("linger-b", Duration.ofSeconds(30)).mutex(name);
        ExecutorService bThread = Executors.newSingleThreadExecutor();
        try {
            long subscribes = RedisAdmin.calls(redis, "subscribe");
            int rounds = 5;
            for (int i = 0; i < rounds; i++) {
                a.lock();
                long scripts = RedisAdmin.scriptCalls(redis);
                Future<?> waiter = bThread.submit(() -> {
                    b.lock(); // waits: a holds it
                    b.unlock();
                });
                // b's first attempt has failed: b is a waiter now.
                await().atMost(Duration.ofSeconds(10)).until(() -> RedisAdmin.scriptCalls(redis) > scripts);
                a.unlock();
                waiter.get(20, TimeUnit.SECONDS);
            }
            // Without the linger every round subscribes anew; with it, a round that starts within
            // the linger of the last one reuses the live subscription.
            assertThat(RedisAdmin.calls(redis, "subscribe") - subscribes).as("SUBSCRIBEs for " + rounds + " waits")
                    .isLessThan(rounds);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> RedisAdmin.subscribers(redis, LAYOUT.channel(name)) == 0);
        } finally {
            bThread.shutdownNow();
        }
    }

    @Test
    void scriptsAreReloadedAfterAScriptFlush() {
        LockClient c = client("flush", Duration.ofSeconds(30));
        Mutex m = c.mutex("flush:" + tag);
        m.lock();
        m.unlock();
        redis.call("SCRIPT", "FLUSH");
        assertThat((List<Object>) redis.call("SCRIPT", "EXISTS", LockScripts.ACQUIRE.sha())).containsExactly(0L);
        long evals = RedisAdmin.calls(redis, "eval");
        m.lock();
        m.unlock();
        m.lock();
        m.unlock();
        assertThat(RedisAdmin.calls(redis, "eval") - evals).as("EVAL fallbacks: acquire and release once").isEqualTo(2);
        assertThat((List<Object>) redis.call("SCRIPT", "EXISTS", LockScripts.ACQUIRE.sha(), LockScripts.HANDOFF.sha()))
                .containsExactly(1L, 1L);
    }

    @Test
    void renewalsOfLocksThatFallDueTogetherGoInOneCommand() throws Exception {
        LockClient c = LockClients.connect(redis.uri(), LockConfig.builder().clientName("batch-" + tag)
                .leaseTime(Duration.ofMillis(1500)).renewInterval(Duration.ofMillis(500)).build());
        clients.add(c);
        Mutex warm = c.mutex("batch:" + tag + ":warm");
        warm.lock();
        warm.unlock();
        List<Mutex> held = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Mutex m = c.mutex("batch:" + tag + ":" + i);
            m.lock();
            held.add(m);
        }
        long scripts = RedisAdmin.scriptCalls(redis);
        long keys = RedisAdmin.calls(redis, "pexpire");
        // About three renewal rounds of 20 locks each (a loaded machine may take longer than 1.5 s).
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> RedisAdmin.calls(redis, "pexpire") - keys >= 60);
        long renewedKeys = RedisAdmin.calls(redis, "pexpire") - keys;
        long renewCommands = RedisAdmin.scriptCalls(redis) - scripts;
        assertThat(renewCommands).as("renewal commands for " + renewedKeys + " renewals").isPositive()
                .isLessThanOrEqualTo(renewedKeys / 5);
        for (Mutex m : held) {
            assertThat(m.isHeldByCurrentThread()).isTrue();
            m.unlock();
        }
    }
}
