package dev.distlock.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.distlock.BackendUnavailableException;
import dev.distlock.Lease;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LockConfig;
import dev.distlock.LockLostException;
import dev.distlock.LossReason;
import dev.distlock.ManualClock;
import dev.distlock.Mutex;
import dev.distlock.spi.Grant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared front and its watchdog, driven by a manual clock and a scripted driver. */
class StandardLockClientTest {
    private final ManualClock clock = new ManualClock();
    private final ScriptedDriver driver = new ScriptedDriver(clock);
    private final StandardLockClient client = new StandardLockClient("scripted",
            LockConfig.builder().leaseTime(Duration.ofSeconds(30)).commandTimeout(Duration.ofMillis(300)).clock(clock).build(),
            driver);
    private final BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();

    StandardLockClientTest() {
        client.addLeaseLostListener(lost::add);
    }

    @AfterEach
    void close() {
        client.close();
    }

    private List<Mutex> lockMany(String prefix, int n) {
        List<Mutex> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Mutex m = client.mutex(prefix + i);
            assertThat(m.tryLock()).isTrue();
            out.add(m);
        }
        return out;
    }

    @Test
    void renewalsThatFallDueTogetherGoInOneBatch() {
        lockMany("a", 40);
        clock.advance(Duration.ofMillis(500));
        lockMany("b", 10);
        assertThat(driver.renewBatches).isEmpty();
        clock.advance(Duration.ofMillis(9_500));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(driver.renewCalls).hasValue(50));
        assertThat(driver.renewBatches).as("one batch for holds taken 0.5 s apart").containsExactly(50);
    }

    @Test
    void oneRenewerThreadPerClientWhateverTheNumberOfLocks() {
        lockMany("n", 200);
        long renewers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("distlock-renewer-" + client.clientId())).count();
        assertThat(renewers).isEqualTo(1);
        assertThat(client.watchedHolds()).isEqualTo(200);
    }

    @Test
    void releasedHoldsLeaveNothingWatched() {
        Mutex m = client.mutex("churn");
        for (int i = 0; i < 1000; i++) {
            assertThat(m.tryLock()).isTrue();
            m.unlock();
        }
        assertThat(client.watchedHolds()).isZero();
    }

    @Test
    void renewalsKeepTheHoldValidPastManyLeases() {
        Mutex m = client.mutex("kept");
        m.lock();
        for (int i = 1; i <= 9; i++) {
            clock.advance(Duration.ofSeconds(10));
            long expected = i;
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(driver.renewCalls).hasValue(expected));
        }
        assertThat(m.isHeldByCurrentThread()).as("held 90 s into a 30 s lease").isTrue();
        assertThat(lost).isEmpty();
        m.unlock();
    }

    @Test
    void aRejectedRenewalIsALossReportedAtOnce() throws Exception {
        Mutex m = client.mutex("rejected");
        Lease lease = m.acquire(Duration.ZERO);
        driver.renewAnswer = ScriptedDriver.RenewAnswer.REJECT;
        clock.advance(Duration.ofSeconds(10));
        LeaseLostEvent e = lost.poll(5, TimeUnit.SECONDS);
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(LossReason.RENEWAL_REJECTED);
        assertThat(lease.isValid()).isFalse();
        assertThatThrownBy(m::unlock).isInstanceOf(LockLostException.class);
    }

    @Test
    void failingRenewalsRetryAndLoseTheHoldOnlyWhenTheLeaseRunsOut() throws Exception {
        Mutex m = client.mutex("failing");
        m.lock();
        driver.renewAnswer = ScriptedDriver.RenewAnswer.FAIL;
        clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(driver.renewCalls).hasValue(1));
        clock.advance(Duration.ofSeconds(9));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(driver.renewCalls).hasValueGreaterThan(1));
        assertThat(m.isHeldByCurrentThread()).as("19 s into a 30 s lease with failing renewals").isTrue();
        assertThat(lost).isEmpty();
        clock.advance(Duration.ofSeconds(11));
        LeaseLostEvent e = lost.poll(5, TimeUnit.SECONDS);
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(LossReason.RENEWAL_FAILED);
        assertThat(e.cause()).isInstanceOf(BackendUnavailableException.class);
        assertThatThrownBy(m::unlock).isInstanceOf(LockLostException.class)
                .hasMessageContaining("could not reach the store");
    }

    @Test
    void aRenewalThatRecoversKeepsTheHold() throws Exception {
        Mutex m = client.mutex("recovering");
        m.lock();
        driver.renewAnswer = ScriptedDriver.RenewAnswer.FAIL;
        clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(driver.renewCalls).hasValue(1));
        driver.renewAnswer = ScriptedDriver.RenewAnswer.OK;
        clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(driver.renewCalls).hasValueGreaterThan(1));
        clock.advance(Duration.ofSeconds(15));
        assertThat(m.isHeldByCurrentThread()).as("35 s in, after a renewal recovered").isTrue();
        assertThat(lost).isEmpty();
        m.unlock();
    }

    @Test
    void aRenewalThatNeverAnswersStillEndsInALoss() throws Exception {
        Mutex m = client.mutex("hanging");
        m.lock();
        driver.renewAnswer = ScriptedDriver.RenewAnswer.HANG;
        clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(driver.renewCalls).hasValue(1));
        clock.advance(Duration.ofSeconds(20));
        LeaseLostEvent e = lost.poll(5, TimeUnit.SECONDS);
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(LossReason.EXPIRED);
        assertThat(m.isHeldByCurrentThread()).isFalse();
    }

    @Test
    void aFixedLeaseExpiresByTheClockIsReportedAndGivenBack() throws Exception {
        Mutex m = client.mutex("fixed");
        assertThat(m.tryLock(Duration.ZERO, Duration.ofSeconds(5))).isTrue();
        clock.advance(Duration.ofMillis(4_999));
        assertThat(m.isHeldByCurrentThread()).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(m.isHeldByCurrentThread()).as("known without asking").isFalse();
        LeaseLostEvent e = lost.poll(5, TimeUnit.SECONDS);
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(LossReason.EXPIRED);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(driver.released).hasSize(1));
        assertThat(driver.renewCalls).hasValue(0);
        assertThatThrownBy(m::unlock).isInstanceOf(LockLostException.class);
    }

    @Test
    void anInterruptThatRacesAGrantGivesTheLockBack() throws Exception {
        Grant raced = driver.grant();
        driver.acquireBehaviour = req -> new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterrupt) {
                complete(raced); // the store granted just before the cancel arrived
                return false;
            }
        };
        Mutex m = client.mutex("race");
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                m.tryLock(Duration.ofSeconds(30));
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        t.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> t.getState() == Thread.State.TIMED_WAITING);
        t.interrupt();
        assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(driver.released).hasSize(1);
        assertThat(driver.released.get(0).grant()).isEqualTo(raced);
        assertThat(client.heldLocks()).isEmpty();
    }

    @Test
    void aDriverThatOverrunsItsWaitIsCancelled() throws Exception {
        CompletableFuture<Grant> never = new CompletableFuture<>();
        driver.acquireBehaviour = req -> never;
        long t0 = System.nanoTime();
        assertThat(client.mutex("slow").tryLock(Duration.ofMillis(100))).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
        assertThat(never).isCancelled();
    }

    @Test
    void backendFailuresSurfaceAsBackendUnavailable() {
        driver.acquireBehaviour = req -> CompletableFuture.failedFuture(new java.io.IOException("connection refused"));
        assertThatThrownBy(() -> client.mutex("down").tryLock()).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("down").hasMessageContaining("connection refused");
        assertThat(client.heldLocks()).isEmpty();
    }

    @Test
    void aRejectedReleaseIsALoss() throws Exception {
        Mutex m = client.mutex("stolen");
        m.lock();
        driver.releaseAnswer = CompletableFuture.completedFuture(false);
        assertThatThrownBy(m::unlock).isInstanceOf(LockLostException.class)
                .satisfies(e -> assertThat(((LockLostException) e).reason()).isEqualTo(LossReason.RELEASE_REJECTED));
        assertThat(lost.poll(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(m.getHoldCount()).isZero();
    }

    @Test
    void aFailedReleaseDropsTheLocalHold() {
        Mutex m = client.mutex("unreachable");
        m.lock();
        driver.releaseAnswer = CompletableFuture.failedFuture(new java.net.ConnectException("refused"));
        assertThatThrownBy(m::unlock).isInstanceOf(BackendUnavailableException.class);
        assertThat(m.getHoldCount()).isZero();
        assertThat(client.watchedHolds()).isZero();
        driver.releaseAnswer = new CompletableFuture<>();
        m.lock();
        assertThatThrownBy(m::unlock).isInstanceOf(BackendUnavailableException.class).hasMessageContaining("did not answer");
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() throws Exception {
        BlockingQueue<LeaseLostEvent> second = new LinkedBlockingQueue<>();
        Mutex m = client.mutex("listeners");
        m.acquire(Duration.ZERO)
                .onLost(e -> {
                    throw new IllegalStateException("listener bug");
                })
                .onLost(second::add);
        driver.renewAnswer = ScriptedDriver.RenewAnswer.REJECT;
        clock.advance(Duration.ofSeconds(10));
        assertThat(second.poll(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(lost.poll(5, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void aListenerAddedAfterTheLossIsToldAtOnce() throws Exception {
        Mutex m = client.mutex("late");
        Lease lease = m.acquire(Duration.ZERO);
        driver.renewAnswer = ScriptedDriver.RenewAnswer.REJECT;
        clock.advance(Duration.ofSeconds(10));
        assertThat(lost.poll(5, TimeUnit.SECONDS)).isNotNull();
        BlockingQueue<LeaseLostEvent> late = new LinkedBlockingQueue<>();
        lease.onLost(late::add);
        assertThat(late.poll(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(late.poll(200, TimeUnit.MILLISECONDS)).as("told once").isNull();
    }
}
