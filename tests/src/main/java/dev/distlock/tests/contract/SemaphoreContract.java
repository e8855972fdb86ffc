package dev.distlock.tests.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.distlock.DistributedSemaphore;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LockAcquisitionException;
import dev.distlock.LockLostException;
import dev.distlock.PermitLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link dev.distlock.LockClient#semaphore(String, int)} on every backend that
 * has it: permits are bounded across clients, a crashed holder's permits come back when its
 * lease ends, timed waits, partial and bulk release, the free count, renewal by the watchdog,
 * fencing, interrupts, bad input. A backend's test class extends it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class SemaphoreContract extends CoordinationContract {

    @Test
    void permitsAreBoundedAcrossClients() throws Exception {
        String name = name("sem");
        int limit = 3;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Object>> work = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            var c = i % 2 == 0 ? a : b;
            work.add(actor("worker" + i).submit(() -> {
                DistributedSemaphore sem = c.semaphore(name, limit);
                start.await();
                for (int round = 0; round < 10; round++) {
                    try (PermitLease lease = sem.acquire(1, Duration.ofSeconds(20))) {
                        int now = inside.incrementAndGet();
                        most.accumulateAndGet(now, Math::max);
                        Thread.yield();
                        inside.decrementAndGet();
                        assertThat(lease.permits()).isEqualTo(1);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<Object> f : work) {
            f.get(45, TimeUnit.SECONDS);
        }
        assertThat(most.get()).as("most permits held at once").isBetween(1, limit);
        assertThat(a.semaphore(name, limit).availablePermits()).isEqualTo(limit);
    }

    @Test
    void tryAcquireTakesSeveralOrNone() throws Exception {
        String name = name("sem");
        DistributedSemaphore sa = a.semaphore(name, 5);
        DistributedSemaphore sb = b.semaphore(name, 5);
        assertThat(sa.availablePermits()).isEqualTo(5);
        PermitLease three = sa.tryAcquire(3, Duration.ZERO);
        assertThat(three).isNotNull();
        assertThat(three.permits()).isEqualTo(3);
        assertThat(sb.availablePermits()).isEqualTo(2);
        assertThat(sb.tryAcquire(3, Duration.ZERO)).as("3 of the 2 left").isNull();
        assertThat(sb.availablePermits()).as("a failed try takes nothing").isEqualTo(2);
        Actor other = actor("other");
        PermitLease two = other.call(() -> sb.tryAcquire(2, Duration.ZERO));
        assertThat(two).isNotNull();
        assertThat(sa.availablePermits()).isZero();
        assertThatThrownBy(() -> sb.acquire(1, Duration.ofMillis(100))).isInstanceOf(LockAcquisitionException.class)
                .hasMessageContaining(name);
        three.close();
        assertThat(sa.availablePermits()).isEqualTo(3);
        other.call(() -> {
            two.close();
            return null;
        });
        assertThat(sa.availablePermits()).isEqualTo(5);
    }

    @Test
    void aWaiterGetsPermitsWhenEnoughAreGivenBack() throws Exception {
        String name = name("sem");
        PermitLease all = a.semaphore(name, 3).tryAcquire(3, Duration.ZERO);
        Actor waiter = actor("waiter");
        Future<PermitLease> waiting = waiter.submit(() -> b.semaphore(name, 3).tryAcquire(2, Duration.ofSeconds(20)));
        await().atMost(Duration.ofSeconds(10)).until(() -> leftovers(name) > 0);
        all.release(1);
        assertThat(all.permits()).isEqualTo(2);
        assertThat(waiting.isDone()).as("one free permit is not enough for two").isFalse();
        long released = System.nanoTime();
        all.release(1);
        PermitLease got = waiting.get(10, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
        assertThat(got).isNotNull();
        assertThat(got.permits()).isEqualTo(2);
        assertThat(ms).as("ms to hand over").isLessThan(tolerance().toMillis() * 2);
        assertThat(got.fencingToken()).isGreaterThan(all.fencingToken());
        assertThat(a.semaphore(name, 3).availablePermits()).isZero();
        all.close();
        assertThat(all.isValid()).isFalse();
        assertThat(all.permits()).isZero();
        waiter.call(() -> {
            got.close();
            return null;
        });
        assertThat(leftovers(name)).isZero();
    }

    @Test
    void releaseGivesBackPermitsOfTheCurrentThread() throws Exception {
        String name = name("sem");
        DistributedSemaphore sem = a.semaphore(name, 4);
        PermitLease one = sem.tryAcquire(1, Duration.ZERO);
        PermitLease two = sem.tryAcquire(2, Duration.ZERO);
        assertThat(sem.availablePermits()).isEqualTo(1);
        assertThatThrownBy(() -> sem.release(4)).isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("holds 3");
        assertThat(sem.availablePermits()).as("a rejected release gives back nothing").isEqualTo(1);
        Actor other = actor("other");
        assertThatThrownBy(() -> other.call(() -> {
            sem.release(1);
            return null;
        })).as("another thread holds none").isInstanceOf(IllegalMonitorStateException.class);
        sem.release(2);
        assertThat(two.permits()).as("the most recent lease first").isZero();
        assertThat(one.permits()).isEqualTo(1);
        assertThat(sem.availablePermits()).isEqualTo(3);
        sem.release(1);
        assertThat(one.isValid()).isFalse();
        assertThat(sem.availablePermits()).isEqualTo(4);
        assertThatThrownBy(() -> sem.release(1)).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void aCrashedHoldersPermitsComeBackWhenItsLeaseEnds() throws Exception {
        String name = name("sem");
        DistributedSemaphore sa = a.semaphore(name, 3);
        BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
        // A holder that never gives its permits back: a fixed lease stands for a dead process.
        PermitLease crashed = sa.tryAcquire(2, Duration.ZERO, Duration.ofMillis(600));
        crashed.onLost(lost::add);
        assertThat(b.semaphore(name, 3).availablePermits()).isEqualTo(1);
        long start = System.nanoTime();
        Actor other = actor("other");
        PermitLease got = other.call(() -> b.semaphore(name, 3).tryAcquire(3, Duration.ofSeconds(10)));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(got).as("all permits once the lease ended").isNotNull();
        assertThat(ms).as("ms until the permits came back").isBetween(400L, 600 + tolerance().toMillis() * 2);
        assertThat(lost.poll(5, TimeUnit.SECONDS)).as("the holder is told").isNotNull();
        assertThat(crashed.isValid()).isFalse();
        assertThatThrownBy(crashed::close).isInstanceOf(LockLostException.class).hasMessageContaining(name);
        other.call(() -> {
            got.close();
            return null;
        });
    }

    @Test
    void theWatchdogKeepsPermits() throws Exception {
        String name = name("sem");
        PermitLease held = a.semaphore(name, 2).tryAcquire(2, Duration.ZERO);
        // The passing of time is the behaviour under test: two lease times without a release.
        Thread.sleep(config().leaseTime().toMillis() * 2);
        assertThat(held.isValid()).as("renewed by the watchdog").isTrue();
        assertThat(held.remaining()).isPositive();
        assertThat(b.semaphore(name, 2).availablePermits()).isZero();
        assertThat(actor("other").call(() -> b.semaphore(name, 2).tryAcquire(1, Duration.ZERO))).isNull();
        held.close();
        assertThat(b.semaphore(name, 2).availablePermits()).isEqualTo(2);
    }

    @Test
    void timedWaitEndsOnTimeAndInterruptLeavesNothing() throws Exception {
        String name = name("sem");
        PermitLease all = a.semaphore(name, 1).tryAcquire(1, Duration.ZERO);
        Actor waiter = actor("waiter");
        long start = System.nanoTime();
        assertThat(waiter.call(() -> b.semaphore(name, 1).tryAcquire(1, Duration.ofMillis(400)))).isNull();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(ms).as("ms a 400 ms wait took").isBetween(380L, 400 + tolerance().toMillis() * 2);
        assertThat(leftovers(name)).isZero();
        Future<PermitLease> interrupted = waiter.submit(() -> b.semaphore(name, 1).tryAcquire(1, Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> leftovers(name) > 0);
        interrupted.cancel(true);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(leftovers(name)).isZero());
        all.close();
        assertThat(a.semaphore(name, 1).availablePermits()).as("nobody was left holding the permit").isEqualTo(1);
    }

    @Test
    void badInputIsRejected() {
        assertThatThrownBy(() -> a.semaphore(null, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> a.semaphore(name("s"), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("permits");
        DistributedSemaphore sem = a.semaphore(name("s"), 2);
        assertThatThrownBy(() -> sem.tryAcquire(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("n must");
        assertThatThrownBy(() -> sem.tryAcquire(3, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 permits");
        assertThatThrownBy(() -> sem.tryAcquire(1, Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wait");
        assertThatThrownBy(() -> sem.tryAcquire(1, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");
        assertThatThrownBy(() -> sem.release(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(sem.availablePermits()).isEqualTo(2);
    }
}
