package dev.distlock.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.LockClient;
import dev.distlock.LockClock;
import dev.distlock.LockConfig;
import dev.distlock.LockLostException;
import dev.distlock.LossReason;
import dev.distlock.memory.MemoryLockStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** THROW_AFTER, INTERRUPT and IGNORE when the lease is lost while the method runs. */
@Timeout(60)
class LeaseLostTest {
    private TestClients clients;
    private LockClient client;

    /** Methods that outlive their lease, or wait to be interrupted. */
    public static class Job {
        LockClient client;
        final AtomicBoolean finished = new AtomicBoolean();
        final AtomicBoolean sawInterrupt = new AtomicBoolean();
        final CountDownLatch started = new CountDownLatch(1);

        /** Runs until the fixed lease has run out. */
        private void outliveLease(String name) {
            Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(5))
                    .until(() -> !client.mutex(name).isHeldByCurrentThread());
            finished.set(true);
        }

        @DistributedLock(key = "'job:' + #id", leaseTime = "100ms")
        public String throwAfter(String id) {
            outliveLease("job:" + id);
            return "done";
        }

        @DistributedLock(key = "'job:' + #id", leaseTime = "100ms")
        public String throwAfterAndFail(String id) {
            outliveLease("job:" + id);
            throw new IllegalStateException("the job failed too");
        }

        @DistributedLock(key = "'job:' + #id", leaseTime = "100ms", onLeaseLost = OnLeaseLost.IGNORE)
        public String ignore(String id) {
            outliveLease("job:" + id);
            return "done";
        }

        /** Watchdog lease; waits up to 10 s to be interrupted. */
        @DistributedLock(key = "'job:' + #id", onLeaseLost = OnLeaseLost.INTERRUPT)
        public String interrupt(String id) {
            started.countDown();
            try {
                new CountDownLatch(1).await(10, TimeUnit.SECONDS);
                return "not interrupted";
            } catch (InterruptedException e) {
                sawInterrupt.set(true);
                return "interrupted";
            } finally {
                finished.set(true);
            }
        }

        @DistributedLock(key = "'job:' + #id", onLeaseLost = OnLeaseLost.INTERRUPT)
        public String quick(String id) {
            return "quick";
        }
    }

    @BeforeEach
    void setUp() {
        clients = new TestClients();
        client = clients.shortLeaseClient();
    }

    @AfterEach
    void tearDown() {
        clients.close();
    }

    private Job job() {
        Job j = new Job();
        j.client = client;
        return LockProxies.wrap(j, client);
    }

    @Test
    void throwAfterLetsTheMethodFinishThenThrows() {
        Job job = job();
        assertThatThrownBy(() -> job.throwAfter("a"))
                .isInstanceOfSatisfying(LockLostException.class, e -> {
                    assertThat(e.lockName()).isEqualTo("job:a");
                    assertThat(e.reason()).isEqualTo(LossReason.EXPIRED);
                });
        assertThat(LockProxies.targetOf(job).finished).isTrue();
        assertThat(client.mutex("job:a").getHoldCount()).isZero();
    }

    @Test
    void throwAfterKeepsTheMethodsOwnExceptionWithTheLossSuppressed() {
        Job job = job();
        assertThatThrownBy(() -> job.throwAfterAndFail("b"))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("the job failed too")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(LockLostException.class));
    }

    @Test
    void ignoreReturnsTheResult() {
        Job job = job();
        assertThat(job.ignore("c")).isEqualTo("done");
        assertThat(client.mutex("job:c").getHoldCount()).isZero();
    }

    @Test
    void interruptStopsTheMethodWhenTheStoreDropsTheLock() throws Exception {
        // A 3 s watchdog lease renewed every second: the renewal finds the key gone long before the
        // lease could run out, even on a loaded machine, so the reason is always the rejection.
        Job plain = new Job();
        plain.client = clients.client(LockConfig.builder().leaseTime(Duration.ofSeconds(3)).build());
        Job job = LockProxies.wrap(plain, plain.client);
        Job target = LockProxies.targetOf(job);
        MemoryLockStore store = MemoryLockStore.named(clients.store, LockClock.system());
        CompletableFuture<Object> call = new CompletableFuture<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean(true);
        Thread caller = new Thread(() -> {
            try {
                call.complete(job.interrupt("d"));
            } catch (Throwable t) {
                call.complete(t);
            } finally {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        assertThat(target.started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(store.forceRelease("job:d")).isTrue();   // an operator deletes the key
        Object outcome = call.get(5, TimeUnit.SECONDS);
        caller.join(5000);
        assertThat(target.sawInterrupt).isTrue();
        assertThat(outcome).isInstanceOfSatisfying(LockLostException.class,
                e -> assertThat(e.reason()).isEqualTo(LossReason.RENEWAL_REJECTED));
        assertThat(interruptedAfter).as("the interrupt distlock delivered does not leak past the call").isFalse();
    }

    @Test
    void interruptDoesNothingWhenNoLeaseIsLost() {
        Job job = job();
        assertThat(job.quick("e")).isEqualTo("quick");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(client.mutex("job:e").getHoldCount()).isZero();
    }
}
