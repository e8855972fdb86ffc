package dev.distlock.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LockAcquisitionException;
import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.LockClock;
import dev.distlock.LockInterruptedException;
import dev.distlock.Mutex;
import dev.distlock.memory.MemoryLockStore;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.Grant;
import dev.distlock.spi.HeldLock;
import dev.distlock.spi.LockDriver;
import dev.distlock.spi.LockDrivers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** THROW, SKIP and FALLBACK when a lock is busy; waits; interrupts; store failures. */
@Timeout(60)
class FailurePolicyTest {
    private TestClients clients;
    private LockClient client;
    /** Another "server" on the same store, holding the locks the service wants. */
    private LockClient other;

    /** A service whose every method locks "busy:" + its first argument. */
    public static class Service {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s")
        public String thrown(String id) {
            calls.add("thrown " + id);
            return "ran";
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.SKIP)
        public String skipObject(String id) {
            calls.add("skipObject");
            return "ran";
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.SKIP)
        public Optional<String> skipOptional(String id) {
            calls.add("skipOptional");
            return Optional.of("ran");
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.SKIP)
        public OptionalInt skipOptionalInt(String id) {
            return OptionalInt.of(1);
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.SKIP)
        public OptionalLong skipOptionalLong(String id) {
            return OptionalLong.of(1);
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.SKIP)
        public OptionalDouble skipOptionalDouble(String id) {
            return OptionalDouble.of(1);
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.SKIP)
        public boolean skipBoolean(String id) {
            return true;
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.SKIP)
        public int skipInt(String id) {
            return 7;
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.SKIP)
        public long skipLong(String id) {
            return 7;
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.SKIP)
        public double skipDouble(String id) {
            return 7;
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.SKIP)
        public char skipChar(String id) {
            return 'x';
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.SKIP)
        public void skipVoid(String id) {
            calls.add("skipVoid");
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.FALLBACK, fallback = "cached")
        public String withFallback(String id, int n) {
            calls.add("withFallback");
            return "fresh";
        }

        private String cached(String id, int n) {
            calls.add("cached " + id + " " + n);
            return "cached " + id;
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "0s", onFailure = OnFailure.FALLBACK, fallback = "failing")
        public CharSequence fallbackThrows(String id) {
            return "fresh";
        }

        String failing(String id) {
            throw new IllegalStateException("fallback failed for " + id);
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "2s", onFailure = OnFailure.SKIP)
        public String waits(String id) {
            calls.add("waits");
            return "ran";
        }

        @DistributedLock(key = "'busy:' + #id", waitTime = "300ms")
        public String waitsThenThrows(String id) {
            return "ran";
        }

        @DistributedLock(key = "'busy:' + #id", onFailure = OnFailure.SKIP)
        public String waitsForever(String id) {
            calls.add("waitsForever");
            return "ran";
        }
    }

    @BeforeEach
    void setUp() {
        clients = new TestClients();
        client = clients.client();
        other = clients.client();
    }

    @AfterEach
    void tearDown() {
        clients.close();
    }

    private Service service() {
        return LockProxies.wrap(new Service(), client);
    }

    private Mutex holdElsewhere(String id) {
        Mutex m = other.mutex("busy:" + id);
        assertThat(m.tryLock()).isTrue();
        return m;
    }

    @Test
    void throwThrowsTheAcquisitionExceptionAndDoesNotRun() {
        Service s = service();
        holdElsewhere("1");
        assertThatThrownBy(() -> s.thrown("1"))
                .isInstanceOfSatisfying(LockAcquisitionException.class,
                        e -> assertThat(e.lockName()).isEqualTo("busy:1"))
                .hasMessageContaining("busy:1")
                .hasMessageContaining("Service.thrown(String)");
        assertThat(s.thrown("2")).isEqualTo("ran");
        assertThat(LockProxies.targetOf(s).calls).containsExactly("thrown 2");
    }

    @Test
    void skipReturnsTheEmptyValueOfTheReturnType() {
        Service s = service();
        holdElsewhere("1");
        assertThat(s.skipObject("1")).isNull();
        assertThat(s.skipOptional("1")).isEmpty();
        assertThat(s.skipOptionalInt("1")).isEmpty();
        assertThat(s.skipOptionalLong("1")).isEmpty();
        assertThat(s.skipOptionalDouble("1")).isEmpty();
        assertThat(s.skipBoolean("1")).isFalse();
        assertThat(s.skipInt("1")).isZero();
        assertThat(s.skipLong("1")).isZero();
        assertThat(s.skipDouble("1")).isZero();
        assertThat(s.skipChar("1")).isEqualTo('\0');
        s.skipVoid("1");
        assertThat(LockProxies.targetOf(s).calls).isEmpty();
        // and when the lock is free, the method runs
        assertThat(s.skipOptional("2")).contains("ran");
        assertThat(s.skipInt("2")).isEqualTo(7);
    }

    @Test
    void fallbackIsCalledWithTheSameArgumentsWithoutTheLock() {
        Service s = service();
        holdElsewhere("1");
        assertThat(s.withFallback("1", 5)).isEqualTo("cached 1");
        assertThat(s.withFallback("2", 6)).isEqualTo("fresh");
        assertThat(LockProxies.targetOf(s).calls).containsExactly("cached 1 5", "withFallback");
        assertThatThrownBy(() -> s.fallbackThrows("1"))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("fallback failed for 1");
    }

    @Test
    void theCallWaitsUpToWaitTimeForTheLock() throws Exception {
        Service s = service();
        Mutex busy = holdElsewhere("w");
        CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> s.waits("w"));
        MemoryLockStore store = MemoryLockStore.named(clients.store, LockClock.system());
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> store.waiters("busy:w") == 1);
        assertThat(call).isNotDone();
        busy.unlock();
        assertThat(call.get(5, TimeUnit.SECONDS)).isEqualTo("ran");

        holdElsewhere("t");
        long start = System.nanoTime();
        assertThatThrownBy(() -> s.waitsThenThrows("t")).isInstanceOf(LockAcquisitionException.class)
                .hasMessageContaining("300ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }

    @Test
    void anInterruptedWaitThrowsWhateverThePolicy() throws Exception {
        Service s = service();
        holdElsewhere("i");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                s.waitsForever("i");
            } catch (Throwable t) {
                thrown.set(t);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> caller.getState() == Thread.State.WAITING || caller.getState() == Thread.State.TIMED_WAITING);
        caller.interrupt();
        caller.join(5000);
        assertThat(thrown.get()).isInstanceOf(LockInterruptedException.class);
        assertThat(flag.get()).as("interrupt status is set again").isTrue();
        assertThat(LockProxies.targetOf(s).calls).isEmpty();
    }

    @Test
    void aStoreFailurePropagatesWhateverThePolicy() {
        LockClient broken = LockDrivers.newClient("broken", LockConfig.defaults(), new LockDriver() {
            @Override
            public CompletableFuture<Grant> acquire(AcquireRequest request) {
                return CompletableFuture.failedFuture(new java.io.IOException("connection refused"));
            }

            @Override
            public CompletableFuture<Boolean> renew(HeldLock lock) {
                return CompletableFuture.completedFuture(false);
            }

            @Override
            public CompletableFuture<Boolean> release(HeldLock lock) {
                return CompletableFuture.completedFuture(false);
            }

            @Override
            public CompletableFuture<Boolean> isLocked(String name) {
                return CompletableFuture.completedFuture(false);
            }

            @Override
            public void close() {
            }
        });
        try {
            Service s = LockProxies.wrap(new Service(), broken);
            assertThatThrownBy(() -> s.skipObject("1")).isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("connection refused");
            assertThatThrownBy(() -> s.withFallback("1", 1)).isInstanceOf(BackendUnavailableException.class);
            assertThat(LockProxies.targetOf(s).calls).isEmpty();
        } finally {
            broken.close();
        }
    }
}
