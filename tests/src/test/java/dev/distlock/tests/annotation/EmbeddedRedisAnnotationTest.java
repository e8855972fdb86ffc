package dev.distlock.tests.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.LockAcquisitionException;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.LockListener;
import dev.distlock.LockLostException;
import dev.distlock.LossReason;
import dev.distlock.Mutex;
import dev.distlock.annotation.DistributedLock;
import dev.distlock.annotation.LockProxies;
import dev.distlock.annotation.OnFailure;
import dev.distlock.annotation.OnLeaseLost;
import dev.distlock.embedded.EmbeddedRedisServer;
import dev.distlock.redis.RedisKeyLayout;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code @DistributedLock} interceptor's rules on a real backend: the embedded Redis server
 * through {@code redis://}, with two clients standing for two application instances. The same
 * rules are checked on {@code memory://} in lock-api's own annotation tests; here the locks cross
 * a network, are held by another client's connection, expire on the server and are deleted there.
 */
@Timeout(120)
class EmbeddedRedisAnnotationTest {
    private static EmbeddedRedisServer server;
    private static RedisClient admin;
    private static StatefulRedisConnection<String, String> adminConnection;

    private final List<LockClient> clients = new ArrayList<>();
    /** The client the service is wrapped with. */
    private LockClient client;
    /** Another "instance", holding the locks the service wants. */
    private LockClient other;

    /** A service with one method per rule. */
    public static class Service {
        LockClient client;
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicBoolean sawInterrupt = new AtomicBoolean();
        int counter;

        private boolean holds(String name) {
            return client.mutex(name).isHeldByCurrentThread();
        }

        @DistributedLock(key = "'stock:' + #sku")
        public boolean byName(String sku, int qty) {
            return holds("stock:" + sku);
        }

        @DistributedLock(key = "#p0 + ':' + #a1")
        public boolean byPosition(String a, int b) {
            return holds(a + ":" + b);
        }

        @DistributedLock(key = "#root.methodName + ':' + #root.targetClass.simpleName + ':' + #root.args[0]")
        public boolean byRoot(long id) {
            return holds("byRoot:Service:" + id);
        }

        @DistributedLock(key = "'stock:' + #skux")
        public void unknownVariable(String sku) {
            calls.add("unknownVariable");
        }

        @DistributedLock(key = "#sku")
        public void nullKey(String sku) {
            calls.add("nullKey");
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s")
        public String thrown(String id) {
            calls.add("thrown " + id);
            return "ran";
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.SKIP)
        public String skipped(String id) {
            calls.add("skipped " + id);
            return "ran";
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.SKIP)
        public int skippedInt(String id) {
            return 7;
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.FALLBACK, fallback = "cached")
        public String withFallback(String id, int n) {
            calls.add("withFallback " + id);
            return "fresh " + id;
        }

        String cached(String id, int n) {
            calls.add("cached " + id + " " + n + " locked=" + holds("busy:" + id));
            return "cached " + id;
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "10s")
        public String waits(String id) {
            calls.add("waits " + id);
            return "ran";
        }

        @DistributedLock(key = "'job:' + #id", leaseTime = "300ms")
        public String outlivesLease(String id) {
            Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> !holds("job:" + id));
            calls.add("finished " + id);
            return "done";
        }

        @DistributedLock(key = "'job:' + #id", leaseTime = "300ms", onLeaseLost = OnLeaseLost.IGNORE)
        public String outlivesLeaseIgnored(String id) {
            Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> !holds("job:" + id));
            return "done";
        }

        /** Watchdog lease; waits up to 20 s to be interrupted. */
        @DistributedLock(key = "'job:' + #id", onLeaseLost = OnLeaseLost.INTERRUPT)
        public String interruptible(String id) {
            started.countDown();
            try {
                new CountDownLatch(1).await(20, TimeUnit.SECONDS);
                return "not interrupted";
            } catch (InterruptedException e) {
                sawInterrupt.set(true);
                return "interrupted";
            }
        }

        @DistributedLock(key = "'account:' + #to", waitTime = "0s")
        @DistributedLock(key = "'account:' + #from", waitTime = "0s")
        public boolean transfer(String from, String to) {
            return holds("account:" + from) && holds("account:" + to);
        }

        @DistributedLock(key = "'counter'", waitTime = "30s")
        public void increment() {
            int c = counter;
            Thread.yield(); // the read-to-write window that other instances would interleave with
            counter = c + 1;
        }
    }

    @BeforeAll
    static void startServer() {
        server = EmbeddedRedisServer.builder().port(0).build().start();
        admin = RedisClient.create(server.uri());
        adminConnection = admin.connect();
    }

    @AfterAll
    static void stopServer() {
        if (adminConnection != null) {
            adminConnection.close();
            admin.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void setUp() {
        adminConnection.sync().flushall();
        client = connect(LockConfig.defaults());
        other = connect(LockConfig.defaults());
    }

    @AfterEach
    void tearDown() {
        for (LockClient c : clients) {
            c.close();
        }
    }

    private LockClient connect(LockConfig config) {
        LockClient c = LockClients.connect(server.uri(), config);
        clients.add(c);
        return c;
    }

    private Service service(LockClient with) {
        Service s = new Service();
        s.client = with;
        return LockProxies.wrap(s, with);
    }

    private void holdElsewhere(String name) {
        assertThat(other.mutex(name).tryLock()).isTrue();
    }

    @Test
    void keysAreResolvedByNameByPositionAndFromRoot() {
        Service s = service(client);
        assertThat(s.byName("a", 1)).isTrue();
        assertThat(s.byPosition("b", 2)).isTrue();
        assertThat(s.byRoot(5L)).isTrue();
        assertThat(client.mutex("stock:a").isLocked()).as("released after the call").isFalse();
    }

    @Test
    void aKeyNamingAnUnknownVariableOrYieldingNullFailsAtTheCallNamingMethodAndExpression() {
        Service s = service(client);
        assertThatThrownBy(() -> s.unknownVariable("a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Service.unknownVariable(String)").hasMessageContaining("#skux");
        assertThatThrownBy(() -> s.nullKey(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Service.nullKey(String)").hasMessageContaining("null");
        assertThat(LockProxies.targetOf(s).calls).isEmpty();
    }

    @Test
    void throwSkipAndFallbackApplyWhenAnotherInstanceHoldsTheLock() {
        Service s = service(client);
        holdElsewhere("busy:1");
        assertThatThrownBy(() -> s.thrown("1")).isInstanceOfSatisfying(LockAcquisitionException.class,
                e -> assertThat(e.lockName()).isEqualTo("busy:1"));
        assertThat(s.skipped("1")).isNull();
        assertThat(s.skippedInt("1")).isZero();
        assertThat(s.withFallback("1", 5)).isEqualTo("cached 1");
        // the lock is free for id 2: every method runs
        assertThat(s.thrown("2")).isEqualTo("ran");
        assertThat(s.skipped("2")).isEqualTo("ran");
        assertThat(s.withFallback("2", 6)).isEqualTo("fresh 2");
        assertThat(LockProxies.targetOf(s).calls)
                .containsExactly("cached 1 5 locked=false", "thrown 2", "skipped 2", "withFallback 2");
    }

    @Test
    void aCallWaitsForTheOtherInstanceToRelease() throws Exception {
        Service s = service(client);
        Mutex busy = other.mutex("busy:w");
        assertThat(busy.tryLock()).isTrue();
        CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> s.waits("w"));
        // Give the call time to start waiting on the server; then release from the other client.
        Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !call.isDone());
        busy.unlock();
        assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("ran");
    }

    @Test
    void throwAfterLetsTheMethodFinishThenThrowsWhenTheFixedLeaseRanOut() {
        Service s = service(client);
        assertThatThrownBy(() -> s.outlivesLease("a")).isInstanceOfSatisfying(LockLostException.class, e -> {
            assertThat(e.lockName()).isEqualTo("job:a");
            assertThat(e.reason()).isEqualTo(LossReason.EXPIRED);
        });
        assertThat(LockProxies.targetOf(s).calls).containsExactly("finished a");
        assertThat(other.mutex("job:a").tryLock()).as("the server let the key expire").isTrue();
    }

    @Test
    void ignoreReturnsTheResultAfterALoss() {
        Service s = service(client);
        assertThat(s.outlivesLeaseIgnored("b")).isEqualTo("done");
        assertThat(client.mutex("job:b").getHoldCount()).isZero();
    }

    @Test
    void interruptStopsTheMethodWhenTheKeyIsDeletedOnTheServer() throws Exception {
        // A 3 s watchdog lease renewed every second: the renewal finds the key gone long before
        // the lease could run out, so the loss is the server's rejection.
        LockClient watched = connect(LockConfig.builder().leaseTime(Duration.ofSeconds(3)).build());
        Service s = service(watched);
        Service target = LockProxies.targetOf(s);
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean(true);
        Thread caller = new Thread(() -> {
            try {
                outcome.complete(s.interruptible("d"));
            } catch (Throwable t) {
                outcome.complete(t);
            } finally {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        assertThat(target.started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(adminConnection.sync().del(RedisKeyLayout.defaults().lockKey("job:d")))
                .as("an operator deletes the lock key").isEqualTo(1L);
        assertThat(outcome.get(15, TimeUnit.SECONDS)).isInstanceOfSatisfying(LockLostException.class,
                e -> assertThat(e.reason()).isEqualTo(LossReason.RENEWAL_REJECTED));
        caller.join(5000);
        assertThat(target.sawInterrupt).isTrue();
        assertThat(interruptedAfter).as("the interrupt does not leak past the call").isFalse();
    }

    @Test
    void repeatedLocksAreTakenInNameOrderReleasedInReverseAndRolledBackOnFailure() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        client.addListener(new LockListener() {
            @Override
            public void acquired(String lockName, long fencingToken, long waitNanos) {
                events.add("+" + lockName);
            }

            @Override
            public void released(String lockName, long fencingToken, long holdNanos) {
                events.add("-" + lockName);
            }
        });
        Service s = service(client);
        assertThat(s.transfer("zed", "amy")).isTrue();
        assertThat(s.transfer("amy", "zed")).isTrue();
        assertThat(events).containsExactly("+account:amy", "+account:zed", "-account:zed", "-account:amy",
                "+account:amy", "+account:zed", "-account:zed", "-account:amy");
        events.clear();

        holdElsewhere("account:zed");
        assertThatThrownBy(() -> s.transfer("amy", "zed")).isInstanceOfSatisfying(LockAcquisitionException.class,
                e -> assertThat(e.lockName()).isEqualTo("account:zed"));
        assertThat(events).containsExactly("+account:amy", "-account:amy");
        assertThat(other.mutex("account:amy").tryLock()).as("the first lock was given back on the server").isTrue();
    }

    @Test
    void twoInstancesThroughTheirProxiesExcludeEachOther() throws Exception {
        Service shared = new Service();
        Service onA = LockProxies.wrap(shared, client);
        Service onB = LockProxies.wrap(shared, other);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Service via = i % 2 == 0 ? onA : onB;
                calls.add(pool.submit(() -> {
                    for (int n = 0; n < 25; n++) {
                        via.increment();
                    }
                }));
            }
            for (Future<?> f : calls) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(shared.counter).isEqualTo(100);
    }
}
