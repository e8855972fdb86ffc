package dev.distlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.memory.MemoryLockStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LockListener}: what is reported, when, and what is not. */
@Timeout(60)
class LockListenerTest {
    private final String store = "listener-" + System.nanoTime();
    private LockClient client;
    private LockClient other;
    private final Recorder recorder = new Recorder();

    /** Records every callback as a line. */
    static final class Recorder implements LockListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<Long> nanos = new CopyOnWriteArrayList<>();

        @Override
        public void acquired(String lockName, long fencingToken, long waitNanos) {
            events.add("acquired " + lockName + " " + fencingToken);
            nanos.add(waitNanos);
        }

        @Override
        public void acquireFailed(String lockName, AcquireFailure failure, long waitNanos, Throwable cause) {
            events.add("failed " + lockName + " " + failure + " " + (cause == null ? "-" : cause.getClass().getSimpleName()));
            nanos.add(waitNanos);
        }

        @Override
        public void released(String lockName, long fencingToken, long holdNanos) {
            events.add("released " + lockName + " " + fencingToken);
            nanos.add(holdNanos);
        }

        @Override
        public void leaseLost(LeaseLostEvent event) {
            events.add("lost " + event.lockName() + " " + event.reason());
        }
    }

    @BeforeEach
    void setUp() {
        client = LockClients.connect("memory://" + store,
                LockConfig.builder().leaseTime(Duration.ofMillis(300)).build());
        other = LockClients.connect("memory://" + store);
        client.addListener(recorder);
    }

    @AfterEach
    void tearDown() {
        client.close();
        other.close();
    }

    @Test
    void acquireAndReleaseAreReportedOnceEachWithTimes() throws Exception {
        Mutex m = client.mutex("a");
        m.lock();
        long token = m.fencingToken();
        m.lock();                       // re-entry: nothing reported
        m.unlock();
        assertThat(recorder.events).containsExactly("acquired a " + token);
        long start = System.nanoTime();
        Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(5))
                .until(() -> System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
        m.unlock();
        assertThat(recorder.events).containsExactly("acquired a " + token, "released a " + token);
        assertThat(recorder.nanos.get(0)).isGreaterThanOrEqualTo(0);
        assertThat(recorder.nanos.get(1)).as("hold time").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
    }

    @Test
    void waitTimeIsReportedWhenTheLockWasBusy() throws Exception {
        Mutex busy = other.mutex("w");
        busy.lock();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            Mutex m = client.mutex("w");
            try {
                boolean ok = m.tryLock(Duration.ofSeconds(5));
                if (ok) {
                    m.unlock();
                }
                return ok;
            } catch (InterruptedException e) {
                return false;
            }
        });
        MemoryLockStore s = MemoryLockStore.named(store, LockClock.system());
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> s.waiters("w") == 1);
        long start = System.nanoTime();
        Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(5))
                .until(() -> System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50));
        busy.unlock();
        assertThat(waiter.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(recorder.events).hasSize(2);
        assertThat(recorder.events.get(0)).startsWith("acquired w ");
        assertThat(recorder.nanos.get(0)).as("wait time").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void failedAcquisitionsAreReportedWithTheirKind() throws Exception {
        other.mutex("f").lock();
        Mutex m = client.mutex("f");
        assertThat(m.tryLock()).isFalse();
        assertThat(m.tryLock(Duration.ofMillis(30))).isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> m.tryLock(Duration.ofSeconds(5))).isInstanceOf(InterruptedException.class);
        assertThat(recorder.events).containsExactly("failed f TIMED_OUT -", "failed f TIMED_OUT -");
        // an interrupt seen before any attempt is not an acquisition; one during the wait is
        CompletableFuture<Object> waiting = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                waiting.complete(m.tryLock(Duration.ofSeconds(10)));
            } catch (InterruptedException e) {
                waiting.complete(e);
            }
        });
        t.start();
        MemoryLockStore s = MemoryLockStore.named(store, LockClock.system());
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> s.waiters("f") == 1);
        t.interrupt();
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(recorder.events).last().isEqualTo("failed f INTERRUPTED InterruptedException");
    }

    @Test
    void lostLeasesAreReportedOnTheEventThread() {
        Mutex m = client.mutex("l");
        m.lock();
        assertThat(MemoryLockStore.named(store, LockClock.system()).forceRelease("l")).isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> recorder.events.contains("lost l RENEWAL_REJECTED"));
        assertThatThrownBy(m::unlock).isInstanceOf(LockLostException.class);
        assertThat(recorder.events).last().asString().startsWith("released l ");
    }

    @Test
    void aFailingListenerDoesNotBreakLockingAndRemovedListenersHearNothing() {
        client.addListener(new LockListener() {
            @Override
            public void acquired(String lockName, long fencingToken, long waitNanos) {
                throw new IllegalStateException("listener bug");
            }
        });
        Mutex m = client.mutex("x");
        m.lock();
        assertThat(m.isHeldByCurrentThread()).isTrue();
        m.unlock();
        assertThat(recorder.events).hasSize(2);
        client.removeListener(recorder);
        client.removeListener(recorder);   // not registered any more: nothing happens
        m.lock();
        m.unlock();
        assertThat(recorder.events).hasSize(2);
        assertThatThrownBy(() -> client.addListener(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listener");
    }
}
