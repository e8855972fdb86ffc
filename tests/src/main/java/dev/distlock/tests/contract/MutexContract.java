package dev.distlock.tests.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.distlock.Lease;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LockAcquisitionException;
import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.LockInterruptedException;
import dev.distlock.LockLostException;
import dev.distlock.LossReason;
import dev.distlock.Mutex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every backend must show: the rules of DESIGN.md's "Semantics" section as
 * executable tests. A backend's test class extends this and supplies clients that share one
 * store ({@link #newClient(LockConfig)}), a way to break a lease behind the holder's back
 * ({@link #breakLease(String)}) and a look at what waiters left on the store
 * ({@link #leftovers(String)}).
 *
 * <p>Every test uses fresh lock names and two clients ({@code a} and {@code b}) made with
 * {@link #config()}: a short lease so that expiry and renewal are seen within seconds.
 *
 * <p>Not thread-safe; JUnit runs one test of an instance at a time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class MutexContract {
    /** Client A; made before each test. */
    protected LockClient a;
    /** Client B, on the same store as A; made before each test. */
    protected LockClient b;
    private final List<LockClient> clients = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private String prefix;

    /**
     * Connects a new client to the store under test.
     *
     * @param config the settings to use
     * @return a connected client; the suite closes it after the test
     */
    protected abstract LockClient newClient(LockConfig config);

    /**
     * Takes the lock away from its holder on the store itself, as an operator deleting the key,
     * a session expiry or data loss would. The holder's client must not be told directly.
     *
     * @param name the lock name
     */
    protected abstract void breakLease(String name);

    /**
     * Returns how many things waiters of {@code name} have left on the store: queued acquirers,
     * subscriptions, sequential nodes. Zero once nobody waits.
     *
     * @param name the lock name
     * @return the count of leftovers
     */
    protected abstract int leftovers(String name);

    /**
     * Returns how many acquire requests clients have sent to the store so far, or -1 if the
     * backend cannot count them (the re-entry test then checks less).
     *
     * @return the number of acquire requests, or -1
     */
    protected long acquireRequests() {
        return -1;
    }

    /**
     * Returns the settings the suite's clients use: a 1.5 s lease renewed every 500 ms.
     *
     * @return the config
     */
    protected LockConfig config() {
        return LockConfig.builder()
                .leaseTime(Duration.ofMillis(1500))
                .renewInterval(Duration.ofMillis(500))
                .commandTimeout(Duration.ofSeconds(2))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * Returns how much later than asked a timed wait may end, and how long a hand-off may take.
     *
     * @return the tolerance; 500 ms by default
     */
    protected Duration tolerance() {
        return Duration.ofMillis(500);
    }

    /**
     * Returns a client made with {@link #config()} that the suite closes after the test.
     *
     * @return the client
     */
    protected final LockClient client() {
        return client(config());
    }

    /**
     * Returns a client made with {@code config} that the suite closes after the test.
     *
     * @param config the settings
     * @return the client
     */
    protected final LockClient client(LockConfig config) {
        LockClient c = newClient(config);
        clients.add(c);
        return c;
    }

    /**
     * Returns a lock name unique to this test.
     *
     * @param suffix distinguishes names within one test
     * @return the name
     */
    protected final String name(String suffix) {
        return prefix + suffix;
    }

    @BeforeEach
    void connect(TestInfo info) {
        prefix = "contract:" + info.getTestMethod().map(m -> m.getName()).orElse("t") + ":"
                + UUID.randomUUID().toString().substring(0, 8) + ":";
        a = client();
        b = client();
    }

    @AfterEach
    void closeClients() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        for (LockClient c : clients) {
            c.close();
        }
        clients.clear();
    }

    /** Runs {@code task} on a thread of the suite's pool. */
    private <T> Future<T> onOtherThread(java.util.concurrent.Callable<T> task) {
        return pool.submit(task);
    }

    // ---------------------------------------------------------------- mutual exclusion

    @Test
    void mutualExclusionAcrossThreadsAndClients() throws Exception {
        String name = name("counter");
        int threadsPerClient = 4;
        int rounds = 40;
        int[] counter = {0};
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (LockClient c : List.of(a, b)) {
            Mutex m = c.mutex(name);
            for (int t = 0; t < threadsPerClient; t++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        m.lock();
                        try {
                            if (inside.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            int v = counter[0];
                            for (int spin = 0; spin < 200; spin++) {
                                Thread.onSpinWait();
                            }
                            Thread.yield();
                            counter[0] = v + 1;
                            inside.decrementAndGet();
                        } finally {
                            m.unlock();
                        }
                    }
                    return null;
                }));
            }
        }
        start.countDown();
        for (Future<?> w : workers) {
            w.get(50, TimeUnit.SECONDS);
        }
        assertThat(overlaps.get()).as("critical sections that overlapped").isZero();
        synchronized (counter) {
            assertThat(counter[0]).as("non-atomic counter").isEqualTo(2 * threadsPerClient * rounds);
        }
        assertThat(a.mutex(name).isLocked()).isFalse();
    }

    @Test
    void anotherClientCannotTakeAHeldLock() throws Exception {
        Mutex ma = a.mutex(name("x"));
        Mutex mb = b.mutex(name("x"));
        assertThat(ma.tryLock()).isTrue();
        assertThat(onOtherThread(mb::tryLock).get()).isFalse();
        assertThat(mb.tryLock()).isFalse();
        assertThat(ma.isLocked()).isTrue();
        assertThat(mb.isLocked()).isTrue();
        ma.unlock();
        assertThat(mb.tryLock()).isTrue();
        mb.unlock();
        assertThat(ma.isLocked()).isFalse();
    }

    @Test
    void twoThreadsOfOneClientExcludeEachOther() throws Exception {
        Mutex m = a.mutex(name("x"));
        m.lock();
        try {
            assertThat(onOtherThread(() -> a.mutex(name("x")).tryLock()).get()).isFalse();
        } finally {
            m.unlock();
        }
        assertThat(onOtherThread(() -> {
            Mutex other = a.mutex(name("x"));
            boolean got = other.tryLock();
            if (got) {
                other.unlock();
            }
            return got;
        }).get()).isTrue();
    }

    // ---------------------------------------------------------------- reentrancy

    @Test
    void reentrancyCountsHoldsAndReleasesAtZero() throws Exception {
        Mutex m = a.mutex(name("re"));
        Mutex other = b.mutex(name("re"));
        assertThat(m.getHoldCount()).isZero();
        m.lock();
        long token = m.fencingToken();
        assertThat(m.tryLock()).isTrue();
        assertThat(m.tryLock(Duration.ofSeconds(1))).isTrue();
        assertThat(m.getHoldCount()).isEqualTo(3);
        assertThat(m.fencingToken()).isEqualTo(token);
        m.unlock();
        m.unlock();
        assertThat(m.getHoldCount()).isEqualTo(1);
        assertThat(m.isHeldByCurrentThread()).isTrue();
        assertThat(onOtherThread(other::tryLock).get()).as("still held after partial unlock").isFalse();
        m.unlock();
        assertThat(m.getHoldCount()).isZero();
        assertThat(m.isHeldByCurrentThread()).isFalse();
        assertThat(onOtherThread(() -> {
            boolean got = other.tryLock();
            if (got) {
                other.unlock();
            }
            return got;
        }).get()).as("free after the last unlock").isTrue();
    }

    @Test
    void reentryCostsNoRoundTrip() {
        Mutex m = a.mutex(name("re"));
        m.lock();
        long before = acquireRequests();
        for (int i = 0; i < 1000; i++) {
            assertThat(m.tryLock()).isTrue();
        }
        long after = acquireRequests();
        assertThat(m.getHoldCount()).isEqualTo(1001);
        for (int i = 0; i < 1001; i++) {
            m.unlock();
        }
        if (before >= 0) {
            assertThat(after).as("acquire requests sent for 1000 re-entries").isEqualTo(before);
        }
        assertThat(m.isHeldByCurrentThread()).isFalse();
    }

    @Test
    void handlesOfOneNameShareHolds() {
        Mutex m1 = a.mutex(name("h"));
        Mutex m2 = a.mutex(name("h"));
        m1.lock();
        assertThat(m2.isHeldByCurrentThread()).isTrue();
        assertThat(m2.getHoldCount()).isEqualTo(1);
        m2.unlock();
        assertThat(m1.isHeldByCurrentThread()).isFalse();
    }

    // ---------------------------------------------------------------- leases

    @Test
    void fixedLeaseLapsingLetsAnotherOwnerIn() throws Exception {
        Mutex ma = a.mutex(name("lease"));
        Mutex mb = b.mutex(name("lease"));
        Duration lease = Duration.ofMillis(400);
        assertThat(ma.tryLock(Duration.ZERO, lease)).isTrue();
        long first = ma.fencingToken();
        long t0 = System.nanoTime();
        Future<Long> taker = onOtherThread(() -> {
            assertThat(mb.tryLock(Duration.ofSeconds(10))).isTrue();
            long token = mb.fencingToken();
            return token;
        });
        long second = taker.get(10, TimeUnit.SECONDS);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(tookMs).as("ms until B got the lock after A's 400 ms lease")
                .isLessThan(lease.plus(tolerance()).toMillis());
        assertThat(second).isGreaterThan(first);
        assertThat(ma.isHeldByCurrentThread()).as("A after its lease ran out").isFalse();
        assertThat(ma.getHoldCount()).as("a lost hold counts until unlocked").isEqualTo(1);
        assertThatThrownBy(ma::unlock).isInstanceOf(LockLostException.class)
                .satisfies(e -> assertThat(((LockLostException) e).reason()).isEqualTo(LossReason.EXPIRED));
        assertThat(ma.getHoldCount()).isZero();
        assertThat(mb.isLocked()).as("A's late unlock left B's lock alone").isTrue();
    }

    @Test
    void fixedLeaseExpiryIsKnownWithoutAskingAndReported() throws Exception {
        Mutex m = a.mutex(name("lease"));
        BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
        Lease lease = m.acquire(Duration.ZERO, Duration.ofMillis(300)).onLost(lost::add);
        assertThat(lease.isValid()).isTrue();
        assertThat(lease.remaining()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(300));
        LeaseLostEvent event = lost.poll(300 + tolerance().toMillis(), TimeUnit.MILLISECONDS);
        assertThat(event).as("lease-lost event for an expired fixed lease").isNotNull();
        assertThat(event.reason()).isEqualTo(LossReason.EXPIRED);
        assertThat(event.owner()).isSameAs(Thread.currentThread());
        assertThat(lease.isValid()).isFalse();
        assertThat(lease.remaining()).isZero();
        assertThat(m.isHeldByCurrentThread()).isFalse();
        assertThatThrownBy(lease::close).isInstanceOf(LockLostException.class);
    }

    @Test
    void watchdogKeepsTheHoldAcrossSeveralLeases() throws Exception {
        Mutex ma = a.mutex(name("dog"));
        Mutex mb = b.mutex(name("dog"));
        Lease lease = ma.acquire(Duration.ZERO);
        Duration leaseTime = config().leaseTime();
        long end = System.nanoTime() + leaseTime.multipliedBy(3).toNanos();
        int checks = 0;
        while (System.nanoTime() < end) {
            // The passing of time is the behaviour under test: the watchdog must renew meanwhile.
            Thread.sleep(leaseTime.toMillis() / 3);
            assertThat(onOtherThread(mb::tryLock).get()).as("B while A's watchdog runs").isFalse();
            assertThat(lease.isValid()).isTrue();
            assertThat(ma.isHeldByCurrentThread()).isTrue();
            checks++;
        }
        assertThat(checks).isGreaterThanOrEqualTo(6);
        lease.close();
        assertThat(lease.isValid()).isFalse();
        assertThat(mb.tryLock(Duration.ofSeconds(2))).isTrue();
        mb.unlock();
    }

    @Test
    void lossIsReportedToListenersLeaseAndUnlock() throws Exception {
        String name = name("loss");
        Mutex m = a.mutex(name);
        BlockingQueue<LeaseLostEvent> leaseEvents = new LinkedBlockingQueue<>();
        BlockingQueue<LeaseLostEvent> clientEvents = new LinkedBlockingQueue<>();
        a.addLeaseLostListener(clientEvents::add);
        Lease lease = m.acquire(Duration.ZERO).onLost(leaseEvents::add);
        long token = lease.fencingToken();
        breakLease(name);
        long bound = config().renewInterval().plus(config().commandTimeout()).plus(tolerance()).toMillis();
        LeaseLostEvent event = leaseEvents.poll(bound, TimeUnit.MILLISECONDS);
        assertThat(event).as("lease listener told within " + bound + " ms").isNotNull();
        assertThat(event.lockName()).isEqualTo(name);
        assertThat(event.fencingToken()).isEqualTo(token);
        assertThat(event.reason()).isIn(LossReason.RENEWAL_REJECTED, LossReason.SESSION_LOST);
        assertThat(clientEvents.poll(bound, TimeUnit.MILLISECONDS)).as("client listener told").isNotNull();
        assertThat(lease.isValid()).isFalse();
        assertThat(m.isHeldByCurrentThread()).isFalse();
        assertThatThrownBy(m::unlock).isInstanceOf(LockLostException.class)
                .hasMessageContaining(name);
        assertThat(m.getHoldCount()).isZero();
        assertThatThrownBy(m::unlock).as("nothing left to unlock").isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void reenteringALostHoldFailsUntilUnlocked() throws Exception {
        String name = name("loss");
        Mutex m = a.mutex(name);
        BlockingQueue<LeaseLostEvent> events = new LinkedBlockingQueue<>();
        m.acquire(Duration.ZERO).onLost(events::add);
        breakLease(name);
        assertThat(events.poll(config().leaseTime().plus(config().commandTimeout()).toMillis(), TimeUnit.MILLISECONDS))
                .isNotNull();
        assertThatThrownBy(m::tryLock).isInstanceOf(LockLostException.class);
        assertThatThrownBy(m::unlock).isInstanceOf(LockLostException.class);
        assertThat(m.tryLock()).as("a fresh hold after the lost one was unlocked").isTrue();
        m.unlock();
    }

    // ---------------------------------------------------------------- unlock by non-owners

    @Test
    void unlockByNonOwnerIsRejectedAndHarmless() throws Exception {
        Mutex ma = a.mutex(name("own"));
        ma.lock();
        assertThatThrownBy(() -> b.mutex(name("own")).unlock()).isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining(name("own"));
        Future<?> otherThread = onOtherThread(() -> {
            a.mutex(name("own")).unlock();
            return null;
        });
        assertThatThrownBy(() -> otherThread.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalMonitorStateException.class);
        assertThat(b.mutex(name("own")).tryLock()).as("still held after rejected unlocks").isFalse();
        assertThat(ma.isHeldByCurrentThread()).isTrue();
        ma.unlock();
        assertThatThrownBy(ma::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(() -> a.mutex(name("never")).unlock()).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void leaseMustBeClosedByItsOwner() throws Exception {
        Lease lease = a.mutex(name("own")).acquire(Duration.ZERO);
        Future<?> f = onOtherThread(() -> {
            lease.close();
            return null;
        });
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalMonitorStateException.class);
        assertThat(lease.isValid()).isTrue();
        lease.close();
        lease.close();
        assertThat(lease.isValid()).isFalse();
        assertThat(a.mutex(name("own")).isLocked()).isFalse();
    }

    // ---------------------------------------------------------------- fencing tokens

    @Test
    void fencingTokensIncreaseAcrossHoldsAndStayAcrossReentry() throws Exception {
        String name = name("fence");
        long last = Long.MIN_VALUE;
        for (int i = 0; i < 20; i++) {
            LockClient c = i % 2 == 0 ? a : b;
            Mutex m = c.mutex(name);
            try (Lease lease = m.acquire(Duration.ofSeconds(5))) {
                long token = lease.fencingToken();
                assertThat(token).as("token of hold " + i).isGreaterThan(last);
                assertThat(m.fencingToken()).isEqualTo(token);
                try (Lease again = m.acquire(Duration.ZERO)) {
                    assertThat(again.fencingToken()).isEqualTo(token);
                }
                last = token;
            }
        }
        assertThatThrownBy(() -> a.mutex(name).fencingToken()).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void fencingTokensIncreaseUnderContention() throws Exception {
        String name = name("fence");
        List<Long> grants = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> workers = new ArrayList<>();
        for (LockClient c : List.of(a, b)) {
            for (int t = 0; t < 2; t++) {
                workers.add(pool.submit(() -> {
                    Mutex m = c.mutex(name);
                    for (int i = 0; i < 15; i++) {
                        m.lock();
                        try {
                            grants.add(m.fencingToken());
                        } finally {
                            m.unlock();
                        }
                    }
                    return null;
                }));
            }
        }
        for (Future<?> w : workers) {
            w.get(50, TimeUnit.SECONDS);
        }
        // Appended inside the critical section, so list order is grant order.
        assertThat(grants).hasSize(60).isSorted().doesNotHaveDuplicates();
    }

    // ---------------------------------------------------------------- waits

    @Test
    void timedWaitEndsWithinTolerance() throws Exception {
        Mutex ma = a.mutex(name("wait"));
        Mutex mb = b.mutex(name("wait"));
        ma.lock();
        Duration wait = Duration.ofMillis(500);
        Future<Long> waited = onOtherThread(() -> {
            long t0 = System.nanoTime();
            boolean got = mb.tryLock(wait);
            assertThat(got).isFalse();
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        });
        long ms = waited.get(10, TimeUnit.SECONDS);
        assertThat(ms).as("ms a 500 ms wait took").isBetween(wait.toMillis() - 20, wait.plus(tolerance()).toMillis());
        Future<Long> once = onOtherThread(() -> {
            long t0 = System.nanoTime();
            assertThat(mb.tryLock(Duration.ZERO)).isFalse();
            assertThat(mb.tryLock(0, TimeUnit.SECONDS)).isFalse();
            assertThat(mb.tryLock(-5, TimeUnit.SECONDS)).as("Lock's rule: <= 0 tries once").isFalse();
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        });
        assertThat(once.get(10, TimeUnit.SECONDS)).as("ms three single tries took").isLessThan(tolerance().toMillis());
        Future<?> timeout = onOtherThread(() -> mb.acquire(Duration.ofMillis(100)));
        assertThatThrownBy(() -> timeout.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(LockAcquisitionException.class)
                .hasMessageContaining(name("wait"));
        ma.unlock();
        assertThat(leftovers(name("wait"))).as("leftovers after timed-out waits").isZero();
    }

    @Test
    void releaseHandsOffToAWaiterPromptly() throws Exception {
        Mutex ma = a.mutex(name("handoff"));
        Mutex mb = b.mutex(name("handoff"));
        ma.lock();
        CountDownLatch waiting = new CountDownLatch(1);
        Future<Long> waiter = onOtherThread(() -> {
            waiting.countDown();
            assertThat(mb.tryLock(Duration.ofSeconds(20))).isTrue();
            long at = System.nanoTime();
            mb.unlock();
            return at;
        });
        waiting.await();
        // Let the waiter get queued; the hand-off must not wait for the lease (1.5 s) to run out.
        await().atMost(Duration.ofSeconds(5)).until(() -> leftovers(name("handoff")) > 0 || waiter.isDone());
        long released = System.nanoTime();
        ma.unlock();
        long acquiredAt = waiter.get(20, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(acquiredAt - released)).as("hand-off ms")
                .isLessThan(tolerance().toMillis());
    }

    @Test
    void manyWaitersAllGetTheLockInTurn() throws Exception {
        String name = name("queue");
        Mutex ma = a.mutex(name);
        ma.lock();
        List<Future<Boolean>> waiters = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            LockClient c = i % 2 == 0 ? a : b;
            waiters.add(pool.submit(() -> {
                Mutex m = c.mutex(name);
                boolean got = m.tryLock(Duration.ofSeconds(30));
                if (got) {
                    m.unlock();
                }
                return got;
            }));
        }
        ma.unlock();
        for (Future<Boolean> w : waiters) {
            assertThat(w.get(40, TimeUnit.SECONDS)).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(leftovers(name)).isZero());
        assertThat(ma.isLocked()).isFalse();
    }

    // ---------------------------------------------------------------- interrupts

    @Test
    void interruptDuringTimedWaitLeavesNothingBehind() throws Exception {
        assertInterruptLeavesNothing(m -> m.tryLock(Duration.ofSeconds(30)));
    }

    @Test
    void interruptDuringLockInterruptiblyLeavesNothingBehind() throws Exception {
        assertInterruptLeavesNothing(m -> {
            m.lockInterruptibly();
            return true;
        });
    }

    /** What a waiting thread calls. */
    @FunctionalInterface
    protected interface WaitCall {
        /** @param m the mutex @return whether the lock was taken @throws Exception on failure */
        boolean call(Mutex m) throws Exception;
    }

    private void assertInterruptLeavesNothing(WaitCall call) throws Exception {
        String name = name("intr");
        Mutex holder = b.mutex(name);
        holder.lock();
        AtomicReference<Thread> waiterThread = new AtomicReference<>();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                call.call(a.mutex(name));
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        }, "contract-waiter");
        waiterThread.set(t);
        t.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING);
        await().atMost(Duration.ofSeconds(10)).until(() -> leftovers(name) > 0);
        t.interrupt();
        Throwable thrown = outcome.get(10, TimeUnit.SECONDS);
        assertThat(thrown).isInstanceOf(InterruptedException.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(leftovers(name)).isZero());
        holder.unlock();
        assertThat(holder.isLocked()).as("nobody got the lock for the interrupted waiter").isFalse();
        Mutex again = a.mutex(name);
        assertThat(again.tryLock()).isTrue();
        again.unlock();
    }

    @Test
    void interruptDuringAcquireThrowsLockInterruptedAndKeepsTheFlag() throws Exception {
        String name = name("intr");
        Mutex holder = b.mutex(name);
        holder.lock();
        CompletableFuture<Object[]> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                a.mutex(name).acquire(Duration.ofSeconds(30));
                outcome.complete(new Object[] {null, false});
            } catch (Throwable e) {
                outcome.complete(new Object[] {e, Thread.currentThread().isInterrupted()});
            }
        }, "contract-acquirer");
        t.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> leftovers(name) > 0);
        t.interrupt();
        Object[] result = outcome.get(10, TimeUnit.SECONDS);
        assertThat(result[0]).isInstanceOf(LockInterruptedException.class);
        assertThat(result[1]).as("interrupt flag set again").isEqualTo(true);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(leftovers(name)).isZero());
        holder.unlock();
        assertThat(holder.isLocked()).isFalse();
    }

    @Test
    void lockIgnoresInterruptsButKeepsTheFlag() throws Exception {
        String name = name("intr");
        Mutex holder = b.mutex(name);
        holder.lock();
        CompletableFuture<Boolean> flagAfterLock = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            Mutex m = a.mutex(name);
            m.lock();
            boolean flag = Thread.interrupted();
            m.unlock();
            flagAfterLock.complete(flag);
        }, "contract-locker");
        t.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> leftovers(name) > 0);
        t.interrupt();
        assertThat(flagAfterLock).isNotDone();
        holder.unlock();
        assertThat(flagAfterLock.get(10, TimeUnit.SECONDS)).as("interrupt status after lock()").isTrue();
    }

    @Test
    void alreadyInterruptedThreadDoesNotWait() {
        Mutex m = a.mutex(name("intr"));
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> m.tryLock(Duration.ofSeconds(5))).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(m.isHeldByCurrentThread()).isFalse();
        assertThat(m.isLocked()).isFalse();
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void badNamesAreRejectedWithClearMessages() {
        assertThatThrownBy(() -> a.mutex(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> a.mutex("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> a.mutex(" \t\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> a.mutex("x".repeat(LockClient.MAX_NAME_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most");
    }

    @Test
    void badDurationsAreRejectedAndChangeNothing() {
        Mutex m = a.mutex(name("bad"));
        assertThatThrownBy(() -> m.tryLock(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wait").hasMessageContaining("negative");
        assertThatThrownBy(() -> m.tryLock(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wait");
        assertThatThrownBy(() -> m.tryLock(Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease");
        assertThatThrownBy(() -> m.tryLock(Duration.ZERO, Duration.ofSeconds(-3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");
        assertThatThrownBy(() -> m.tryLock(Duration.ZERO, Duration.ofDays(100_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease").hasMessageContaining("at most");
        assertThatThrownBy(() -> m.acquire(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.acquire(Duration.ZERO, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease");
        assertThatThrownBy(() -> m.tryLock(1, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unit");
        assertThatThrownBy(m::newCondition).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> a.addLeaseLostListener(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(m.isLocked()).as("bad input changed nothing").isFalse();
        assertThat(m.getHoldCount()).isZero();
    }

    @Test
    void hugeWaitMeansForever() throws Exception {
        Mutex m = a.mutex(name("huge"));
        assertThat(m.tryLock(Duration.ofDays(1_000_000))).isTrue();
        m.unlock();
        assertThat(m.tryLock(Long.MAX_VALUE, TimeUnit.DAYS)).isTrue();
        m.unlock();
    }

    @Test
    void anyNameWorks() throws Exception {
        List<String> names = List.of(name("a/b/c"), name("/"), name("ünïcødé ✓ 锁 🔒"), name("..") + "\u0000x",
                name("*?[]{}") + " spaces ", "x".repeat(LockClient.MAX_NAME_LENGTH));
        for (String n : names) {
            Mutex ma = a.mutex(n);
            assertThat(ma.tryLock()).as("lock " + n).isTrue();
            assertThat(onOtherThread(() -> b.mutex(n).tryLock()).get()).as("B on " + n).isFalse();
            assertThat(ma.isLocked()).isTrue();
            ma.unlock();
            assertThat(ma.isLocked()).isFalse();
        }
    }

    @Test
    void similarNamesAreDifferentLocks() throws Exception {
        Mutex m1 = a.mutex(name("n"));
        Mutex m2 = b.mutex(name("n") + " ");
        Mutex m3 = b.mutex(name("N"));
        assertThat(m1.tryLock()).isTrue();
        assertThat(onOtherThread(() -> {
            boolean two = m2.tryLock();
            boolean three = m3.tryLock();
            if (two) {
                m2.unlock();
            }
            if (three) {
                m3.unlock();
            }
            return two && three;
        }).get()).isTrue();
        m1.unlock();
    }

    // ---------------------------------------------------------------- client lifecycle

    @Test
    void closingAClientReleasesItsLocksAndTellsHolders() throws Exception {
        LockClient c = client();
        String name = name("close");
        BlockingQueue<LeaseLostEvent> events = new LinkedBlockingQueue<>();
        c.addLeaseLostListener(events::add);
        Mutex m = c.mutex(name);
        m.lock();
        c.close();
        LeaseLostEvent event = events.poll(5, TimeUnit.SECONDS);
        assertThat(event).isNotNull();
        assertThat(event.reason()).isEqualTo(LossReason.CLIENT_CLOSED);
        assertThat(b.mutex(name).tryLock(tolerance())).as("free after the holder's client closed").isTrue();
        b.mutex(name).unlock();
        assertThatThrownBy(m::unlock).isInstanceOf(LockLostException.class);
        assertThatThrownBy(() -> c.mutex(name)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(m::tryLock).isInstanceOf(IllegalStateException.class);
        c.close();
    }

    @Test
    void backendIsNamedAndConfigKept() {
        assertThat(a.backend()).isNotBlank();
        assertThat(a.config()).isEqualTo(config());
        assertThat(a.mutex(name("n")).name()).isEqualTo(name("n"));
    }
}
