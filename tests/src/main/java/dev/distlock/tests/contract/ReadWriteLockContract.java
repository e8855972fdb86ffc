package dev.distlock.tests.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.distlock.DistributedReadWriteLock;
import dev.distlock.Lease;
import dev.distlock.Mutex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link dev.distlock.LockClient#readWriteLock(String)} on every backend that
 * has it: readers share, a writer excludes, writers are not starved by readers, re-entry,
 * downgrade allowed, upgrade rejected, fencing, leases, timed and interrupted waits.
 * A backend's test class extends it and supplies clients on one store and the leftovers of
 * waiters.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ReadWriteLockContract extends CoordinationContract {

    @Test
    void readersShareAcrossThreadsAndClients() throws Exception {
        String name = name("rw");
        Actor r1 = actor("r1");
        Actor r2 = actor("r2");
        Actor w = actor("w");
        assertThat(r1.call(() -> a.readWriteLock(name).readLock().tryLock(Duration.ZERO))).isTrue();
        assertThat(r2.call(() -> b.readWriteLock(name).readLock().tryLock(Duration.ZERO)))
                .as("a second reader on another client shares the lock").isTrue();
        assertThat(a.readWriteLock(name).readLock().tryLock(Duration.ZERO)).as("a third reader").isTrue();
        assertThat(a.readWriteLock(name).readLock().isLocked()).isTrue();
        assertThat(a.readWriteLock(name).writeLock().isLocked()).isFalse();
        assertThat(w.call(() -> b.readWriteLock(name).writeLock().tryLock(Duration.ZERO)))
                .as("a writer while readers hold").isFalse();
        a.readWriteLock(name).readLock().unlock();
        r1.call(() -> {
            a.readWriteLock(name).readLock().unlock();
            return null;
        });
        r2.call(() -> {
            b.readWriteLock(name).readLock().unlock();
            return null;
        });
        assertThat(w.call(() -> b.readWriteLock(name).writeLock().tryLock(Duration.ZERO)))
                .as("the writer once every reader left").isTrue();
        w.call(() -> {
            b.readWriteLock(name).writeLock().unlock();
            return null;
        });
    }

    @Test
    void writerExcludesReadersAndWriters() throws Exception {
        String name = name("rw");
        Actor other = actor("other");
        Mutex write = a.readWriteLock(name).writeLock();
        assertThat(write.tryLock(Duration.ZERO)).isTrue();
        assertThat(write.isLocked()).isTrue();
        assertThat(other.call(() -> b.readWriteLock(name).readLock().tryLock(Duration.ZERO))).isFalse();
        assertThat(other.call(() -> b.readWriteLock(name).writeLock().tryLock(Duration.ZERO))).isFalse();
        assertThat(other.call(() -> a.readWriteLock(name).readLock().tryLock(Duration.ZERO)))
                .as("another thread of the same client").isFalse();
        write.unlock();
        assertThat(other.call(() -> b.readWriteLock(name).readLock().tryLock(Duration.ZERO))).isTrue();
    }

    @Test
    void exclusionUnderContention() throws Exception {
        String name = name("rw");
        AtomicInteger readers = new AtomicInteger();
        AtomicInteger writers = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger writes = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Object>> work = new ArrayList<>();
        int i = 0;
        for (var c : List.of(a, b)) {
            for (int t = 0; t < 3; t++) {
                boolean writer = t == 0;
                Actor actor = actor("worker" + i++);
                work.add(actor.submit(() -> {
                    DistributedReadWriteLock rw = c.readWriteLock(name);
                    start.await();
                    for (int round = 0; round < 15; round++) {
                        Mutex m = writer ? rw.writeLock() : rw.readLock();
                        m.lock();
                        try {
                            if (writer) {
                                if (writers.incrementAndGet() != 1 || readers.get() != 0) {
                                    violations.incrementAndGet();
                                }
                                writes.incrementAndGet();
                                Thread.yield();
                                writers.decrementAndGet();
                            } else {
                                readers.incrementAndGet();
                                if (writers.get() != 0) {
                                    violations.incrementAndGet();
                                }
                                Thread.yield();
                                readers.decrementAndGet();
                            }
                        } finally {
                            m.unlock();
                        }
                    }
                    return null;
                }));
            }
        }
        start.countDown();
        for (Future<Object> f : work) {
            f.get(45, TimeUnit.SECONDS);
        }
        assertThat(violations.get()).as("a writer overlapped somebody").isZero();
        assertThat(writes.get()).isEqualTo(2 * 15);
    }

    @Test
    void writerIsNotStarvedByAStreamOfReaders() throws Exception {
        String name = name("rw");
        Actor firstReader = actor("first-reader");
        Actor writer = actor("writer");
        Actor probe = actor("probe");
        assertThat(firstReader.call(() -> a.readWriteLock(name).readLock().tryLock(Duration.ZERO))).isTrue();
        Future<Boolean> write = writer.submit(() -> b.readWriteLock(name).writeLock().tryLock(Duration.ofSeconds(20)));
        // Once the writer waits, a new reader must queue behind it (try once, give back if taken).
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.call(() -> {
            Mutex read = b.readWriteLock(name).readLock();
            if (read.tryLock(Duration.ZERO)) {
                read.unlock();
                return false;
            }
            return true;
        }));
        // A stream of readers keeps trying while the first reader still holds the lock.
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger admitted = new AtomicInteger();
        List<Future<Object>> stream = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var c = i % 2 == 0 ? a : b;
            stream.add(actor("stream" + i).submit(() -> {
                Mutex read = c.readWriteLock(name).readLock();
                while (!stop.get()) {
                    if (read.tryLock(Duration.ofMillis(50))) {
                        admitted.incrementAndGet();
                        read.unlock();
                    }
                }
                return null;
            }));
        }
        assertThat(write.isDone()).as("the writer still waits for the first reader").isFalse();
        long released = System.nanoTime();
        firstReader.call(() -> {
            a.readWriteLock(name).readLock().unlock();
            return null;
        });
        assertThat(write.get(10, TimeUnit.SECONDS)).as("the writer got the lock despite the readers").isTrue();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
        stop.set(true);
        for (Future<Object> f : stream) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(admitted.get()).as("readers let in ahead of the waiting writer").isZero();
        assertThat(ms).as("ms from the last reader's release to the writer").isLessThan(tolerance().toMillis() * 2);
        writer.call(() -> {
            b.readWriteLock(name).writeLock().unlock();
            return null;
        });
    }

    @Test
    void reentryCountsAndKeepsTheToken() throws Exception {
        DistributedReadWriteLock rw = a.readWriteLock(name("rw"));
        Mutex read = rw.readLock();
        assertThat(read.tryLock(Duration.ZERO)).isTrue();
        long token = read.fencingToken();
        assertThat(read.tryLock(Duration.ZERO)).isTrue();
        assertThat(read.getHoldCount()).isEqualTo(2);
        assertThat(read.fencingToken()).isEqualTo(token);
        read.unlock();
        assertThat(read.isHeldByCurrentThread()).isTrue();
        read.unlock();
        assertThat(read.isHeldByCurrentThread()).isFalse();
        assertThat(read.getHoldCount()).isZero();
        Mutex write = rw.writeLock();
        write.lock();
        write.lock();
        assertThat(write.getHoldCount()).isEqualTo(2);
        write.unlock();
        assertThat(b.readWriteLock(name("rw")).readLock().tryLock(Duration.ZERO)).as("still write-held").isFalse();
        write.unlock();
        assertThat(write.isLocked()).isFalse();
        assertThatThrownBy(write::unlock).isInstanceOf(IllegalMonitorStateException.class).hasMessageContaining(name("rw"));
    }

    @Test
    void downgradeFromWriteToReadIsAllowed() throws Exception {
        String name = name("rw");
        Actor other = actor("other");
        DistributedReadWriteLock rw = a.readWriteLock(name);
        rw.writeLock().lock();
        long writeToken = rw.writeLock().fencingToken();
        assertThat(rw.readLock().tryLock(Duration.ZERO)).as("the writer takes the read lock").isTrue();
        rw.writeLock().unlock();
        assertThat(rw.readLock().isHeldByCurrentThread()).isTrue();
        assertThat(rw.readLock().fencingToken()).isGreaterThan(writeToken);
        assertThat(other.call(() -> b.readWriteLock(name).readLock().tryLock(Duration.ZERO)))
                .as("other readers join after the downgrade").isTrue();
        assertThat(other.call(() -> {
            b.readWriteLock(name).readLock().unlock();
            return b.readWriteLock(name).writeLock().tryLock(Duration.ZERO);
        })).as("no writer while the downgraded reader reads").isFalse();
        rw.readLock().unlock();
        assertThat(other.call(() -> b.readWriteLock(name).writeLock().tryLock(Duration.ZERO))).isTrue();
    }

    @Test
    void upgradeFromReadToWriteIsRejected() throws Exception {
        String name = name("rw");
        Actor other = actor("other");
        DistributedReadWriteLock rw = a.readWriteLock(name);
        rw.readLock().lock();
        assertThatThrownBy(() -> rw.writeLock().tryLock(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("upgrad").hasMessageContaining(name);
        assertThatThrownBy(rw.writeLock()::lock).isInstanceOf(IllegalStateException.class);
        assertThat(rw.writeLock().getHoldCount()).isZero();
        assertThat(rw.writeLock().isLocked()).as("nothing was taken").isFalse();
        assertThat(rw.readLock().getHoldCount()).as("the read hold is untouched").isEqualTo(1);
        assertThat(other.call(() -> {
            boolean got = b.readWriteLock(name).readLock().tryLock(Duration.ZERO);
            if (got) {
                b.readWriteLock(name).readLock().unlock();
            }
            return got;
        })).as("other readers are not blocked by a queued upgrade").isTrue();
        rw.readLock().unlock();
        assertThat(rw.writeLock().tryLock(Duration.ZERO)).as("write after the read was released").isTrue();
        rw.writeLock().unlock();
    }

    @Test
    void everyHoldGetsAGreaterToken() throws Exception {
        DistributedReadWriteLock rw = a.readWriteLock(name("rw"));
        long last = 0;
        for (int i = 0; i < 3; i++) {
            try (Lease w = rw.writeLock().acquire(Duration.ofSeconds(2))) {
                assertThat(w.fencingToken()).isGreaterThan(last);
                last = w.fencingToken();
            }
            try (Lease r = b.readWriteLock(name("rw")).readLock().acquire(Duration.ofSeconds(2))) {
                assertThat(r.fencingToken()).isGreaterThan(last);
                assertThat(r.name()).isEqualTo(name("rw"));
                last = r.fencingToken();
            }
        }
    }

    @Test
    void watchdogKeepsAWriteLeaseAndAFixedLeaseEnds() throws Exception {
        String name = name("rw");
        Actor other = actor("other");
        Lease write = a.readWriteLock(name).writeLock().acquire(Duration.ZERO);
        // The passing of time is the behaviour under test: two lease times without a release.
        Thread.sleep(config().leaseTime().toMillis() * 2);
        assertThat(write.isValid()).as("renewed by the watchdog").isTrue();
        assertThat(other.call(() -> b.readWriteLock(name).readLock().tryLock(Duration.ZERO))).isFalse();
        write.close();
        Mutex read = a.readWriteLock(name + "2").readLock();
        assertThat(read.tryLock(Duration.ZERO, Duration.ofMillis(300))).isTrue();
        assertThat(other.call(() -> b.readWriteLock(name + "2").writeLock().tryLock(Duration.ofSeconds(5))))
                .as("a writer gets in once the fixed read lease ran out").isTrue();
        assertThat(read.isHeldByCurrentThread()).isFalse();
        assertThatThrownBy(read::unlock).isInstanceOf(dev.distlock.LockLostException.class);
    }

    @Test
    void timedWaitEndsOnTimeAndInterruptLeavesNothing() throws Exception {
        String name = name("rw");
        Actor waiter = actor("waiter");
        Mutex write = a.readWriteLock(name).writeLock();
        write.lock();
        long start = System.nanoTime();
        assertThat(waiter.call(() -> b.readWriteLock(name).readLock().tryLock(Duration.ofMillis(400)))).isFalse();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(ms).as("ms a 400 ms wait took").isBetween(380L, 400 + tolerance().toMillis() * 2);
        Future<Boolean> interrupted = waiter.submit(() -> {
            try {
                b.readWriteLock(name).writeLock().lockInterruptibly();
                return false;
            } catch (InterruptedException e) {
                return true;
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> leftovers(name) > 0);
        interrupted.cancel(true);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(leftovers(name)).isZero());
        write.unlock();
        assertThat(waiter.call(() -> b.readWriteLock(name).writeLock().isHeldByCurrentThread())).isFalse();
        assertThat(a.readWriteLock(name).writeLock().tryLock(Duration.ZERO)).as("nobody was left holding it").isTrue();
        a.readWriteLock(name).writeLock().unlock();
    }

    @Test
    void unlockByNonOwnerIsRejected() throws Exception {
        String name = name("rw");
        Actor other = actor("other");
        a.readWriteLock(name).readLock().lock();
        assertThatThrownBy(() -> other.call(() -> {
            a.readWriteLock(name).readLock().unlock();
            return null;
        })).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(() -> a.readWriteLock(name).writeLock().unlock())
                .isInstanceOf(IllegalMonitorStateException.class);
        assertThat(a.readWriteLock(name).readLock().isLocked()).isTrue();
        a.readWriteLock(name).readLock().unlock();
    }

    @Test
    void badInputIsRejected() {
        assertThatThrownBy(() -> a.readWriteLock(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> a.readWriteLock(" ")).isInstanceOf(IllegalArgumentException.class);
        Mutex read = a.readWriteLock(name("rw")).readLock();
        assertThatThrownBy(() -> read.tryLock(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wait");
        assertThatThrownBy(() -> read.tryLock(Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease");
        assertThat(read.getHoldCount()).isZero();
    }

    @Test
    void aMutexWhoseNameLooksLikeAReadHoldIsIndependent() throws Exception {
        String name = name("rw");
        Actor other = actor("other");
        Mutex read = a.readWriteLock(name).readLock();
        // U+001F "r" is how read holds were once told apart inside the client: a user's mutex of
        // that name must still be its own lock, not a re-entry of the read lock.
        Mutex lookalike = a.mutex(name + "\u001Fr");
        assertThat(read.tryLock(Duration.ZERO)).isTrue();
        assertThat(lookalike.isHeldByCurrentThread()).as("the mutex while only the read lock is held").isFalse();
        assertThat(lookalike.tryLock(Duration.ZERO)).isTrue();
        assertThat(read.getHoldCount()).as("taking the mutex did not re-enter the read lock").isEqualTo(1);
        assertThat(lookalike.getHoldCount()).isEqualTo(1);
        assertThat(other.call(() -> b.mutex(name + "\u001Fr").tryLock(Duration.ZERO)))
                .as("the mutex is held on the store").isFalse();
        lookalike.unlock();
        assertThat(read.isHeldByCurrentThread()).as("releasing the mutex left the read lock held").isTrue();
        assertThat(other.call(() -> b.readWriteLock(name).writeLock().tryLock(Duration.ZERO)))
                .as("a writer while the read lock is still held").isFalse();
        assertThat(lookalike.tryLock(Duration.ZERO)).isTrue();
        read.unlock();
        assertThat(lookalike.isHeldByCurrentThread()).as("releasing the read lock left the mutex held").isTrue();
        assertThat(other.call(() -> b.mutex(name + "\u001Fr").tryLock(Duration.ZERO)))
                .as("the mutex is still held on the store").isFalse();
        lookalike.unlock();
        assertThat(other.call(() -> b.mutex(name + "\u001Fr").tryLock(Duration.ZERO))).isTrue();
    }

    @Test
    void eventsOfReadAndWriteHoldsNameTheLock() throws Exception {
        String name = name("rw");
        List<String> names = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.distlock.LockListener listener = new dev.distlock.LockListener() {
            @Override
            public void acquired(String lockName, long fencingToken, long waitNanos) {
                names.add("acquired " + lockName);
            }

            @Override
            public void released(String lockName, long fencingToken, long holdNanos) {
                names.add("released " + lockName);
            }
        };
        java.util.concurrent.BlockingQueue<dev.distlock.LeaseLostEvent> lost =
                new java.util.concurrent.LinkedBlockingQueue<>();
        a.addListener(listener);
        a.addLeaseLostListener(lost::add);
        Mutex write = a.readWriteLock(name).writeLock();
        write.lock();
        write.unlock();
        Mutex read = a.readWriteLock(name).readLock();
        assertThat(read.tryLock(Duration.ZERO, Duration.ofMillis(300))).isTrue();
        assertThat(names).containsExactly("acquired " + name, "released " + name, "acquired " + name);
        dev.distlock.LeaseLostEvent event = lost.poll(300 + tolerance().toMillis() * 2, TimeUnit.MILLISECONDS);
        assertThat(event).as("lease-lost event of the expired read lease").isNotNull();
        assertThat(event.lockName()).isEqualTo(name);
        assertThatThrownBy(read::unlock).isInstanceOf(dev.distlock.LockLostException.class);
        a.removeListener(listener);
    }
}
