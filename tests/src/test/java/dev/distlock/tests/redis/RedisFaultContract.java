package dev.distlock.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.distlock.BackendUnavailableException;
import dev.distlock.Lease;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.LockLostException;
import dev.distlock.LossReason;
import dev.distlock.Mutex;
import dev.distlock.redis.RedisKeyLayout;
import dev.distlock.redis.RedisLockOptions;
import dev.distlock.redis.internal.RedisEndpoint;
import dev.distlock.redis.internal.RedisLockDriver;
import dev.distlock.redis.internal.RedisStore;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.DriverContext;
import dev.distlock.spi.Grant;
import dev.distlock.spi.HeldLock;
import dev.distlock.spi.LockUri;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the Redis backend does when the server misbehaves: stalls longer than a lease, drops
 * every connection, restarts without its data, or loses the reply to an acquire. A subclass
 * supplies a server and the means to hurt it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class RedisFaultContract {
    static final RedisKeyLayout LAYOUT = RedisKeyLayout.defaults();

    private final List<LockClient> clients = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    /** A lock name unique to this test. */
    protected final String name = "fault:" + UUID.randomUUID();

    /**
     * Returns the server's URI.
     *
     * @return the URI
     */
    protected abstract String uri();

    /**
     * Stalls the server: it keeps its connections but answers nothing until {@code duration}
     * has passed, then carries on. Returns at once.
     *
     * @param duration how long to stall
     */
    protected abstract void stall(Duration duration);

    /** Closes every client connection on the server side; the server keeps its data. */
    protected abstract void dropConnections();

    /** Restarts the server on the same port with an empty dataset and no scripts. */
    protected abstract void restartEmpty();

    /**
     * Runs a command on the server.
     *
     * @param args the command
     * @return the reply
     */
    protected abstract Object call(String... args);

    @AfterEach
    void closeClients() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        clients.forEach(LockClient::close);
    }

    /** The lease of {@link #client()}'s locks. */
    static final Duration LEASE = Duration.ofMillis(1500);
    /** The command timeout of {@link #client()}: generous, the embedded server and CI machines can be slow. */
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(1000);

    /** A client with a short lease, so that faults show within seconds. */
    protected LockClient client() {
        LockClient c = LockClients.connect(uri(), LockConfig.builder().leaseTime(LEASE)
                .renewInterval(Duration.ofMillis(400)).commandTimeout(COMMAND_TIMEOUT)
                .connectTimeout(Duration.ofSeconds(5)).build());
        clients.add(c);
        // The first script send (NOSCRIPT, load, a cold JIT) can outlast the short command timeout
        // on a loaded machine; the faults under test begin once the client is warm.
        Mutex warm = c.mutex(name + ":warm-up");
        try {
            assertThat(warm.tryLock(Duration.ofSeconds(15))).as("warm-up lock").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        warm.unlock();
        return c;
    }

    @Test
    void aStallLongerThanTheLeaseIsReportedAndTheNextHolderGetsALargerToken() throws Exception {
        LockClient a = client();
        LockClient b = client();
        Mutex ma = a.mutex(name);
        BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
        Lease lease = ma.acquire(Duration.ZERO).onLost(lost::add);
        long first = lease.fencingToken();
        stall(LEASE.plus(COMMAND_TIMEOUT).plusMillis(500));
        LeaseLostEvent event = lost.poll(LEASE.toMillis() + 1500, TimeUnit.MILLISECONDS);
        assertThat(event).as("holder told of the loss during the stall").isNotNull();
        assertThat(event.reason()).isIn(LossReason.RENEWAL_FAILED, LossReason.EXPIRED);
        assertThat(lease.isValid()).isFalse();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> "PONG".equals(call("PING")));
        Mutex mb = b.mutex(name);
        Future<Long> next = pool.submit(() -> {
            assertThat(mb.tryLock(Duration.ofSeconds(10))).isTrue();
            long t = mb.fencingToken();
            mb.unlock();
            return t;
        });
        assertThat(next.get(15, TimeUnit.SECONDS)).as("token of the next holder").isGreaterThan(first);
        assertThatThrownBy(ma::unlock).isInstanceOf(LockLostException.class);
    }

    @Test
    void droppedConnectionsDuringAHoldAreRestoredAndAWaiterIsStillWoken() throws Exception {
        LockClient a = client();
        LockClient b = client();
        Mutex ma = a.mutex(name);
        BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
        Lease lease = ma.acquire(Duration.ZERO).onLost(lost::add);
        Future<Long> waiter = pool.submit(() -> {
            Mutex mb = b.mutex(name);
            assertThat(mb.tryLock(Duration.ofSeconds(20))).isTrue();
            long at = System.nanoTime();
            mb.unlock();
            return at;
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> subscribers() == 1);
        dropConnections();
        // The passing of time is the behaviour: the hold must outlive two leases on new connections.
        long until = System.nanoTime() + LEASE.multipliedBy(2).plusMillis(200).toNanos();
        while (System.nanoTime() < until) {
            Thread.sleep(250);
            assertThat(lease.isValid()).as("hold after the connections were dropped").isTrue();
        }
        assertThat(lost).isEmpty();
        assertThat(waiter).isNotDone();
        await().atMost(Duration.ofSeconds(5)).until(() -> subscribers() == 1);
        long released = System.nanoTime();
        lease.close();
        long acquired = waiter.get(10, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(acquired - released)).as("hand-off ms after the reconnect")
                .isLessThan(500);
    }

    @Test
    void aRestartWithoutDataReportsTheLossAndTokensStayMonotonic() throws Exception {
        LockClient a = client();
        Mutex m = a.mutex(name);
        m.lock();
        long before = m.fencingToken();
        m.unlock();
        BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
        Lease held = m.acquire(Duration.ZERO).onLost(lost::add);
        long during = held.fencingToken();
        assertThat(during).isGreaterThan(before);
        restartEmpty();
        assertThat(call("EXISTS", LAYOUT.fenceKey(name))).as("counter after the restart").isEqualTo(0L);
        LeaseLostEvent event = lost.poll(5, TimeUnit.SECONDS);
        assertThat(event).as("loss reported after the restart").isNotNull();
        assertThat(event.reason()).isIn(LossReason.RENEWAL_REJECTED, LossReason.RENEWAL_FAILED, LossReason.EXPIRED);
        assertThatThrownBy(m::unlock).isInstanceOf(LockLostException.class);
        LockClient b = client();
        Mutex mb = b.mutex(name);
        assertThat(mb.tryLock(Duration.ofSeconds(5))).isTrue();
        assertThat(mb.fencingToken()).as("first token after the data was lost").isGreaterThan(during);
        mb.unlock();
    }

    @Test
    void aCounterAheadOfTheClockStillGrowsByOne() {
        long ahead = System.currentTimeMillis() * 1000 + 1_000_000_000_000L;
        call("SET", LAYOUT.fenceKey(name), Long.toString(ahead));
        Mutex m = client().mutex(name);
        m.lock();
        assertThat(m.fencingToken()).isEqualTo(ahead + 1);
        m.unlock();
        m.lock();
        assertThat(m.fencingToken()).isEqualTo(ahead + 2);
        m.unlock();
    }

    @Test
    void anAcquireWhoseReplyIsLostDoesNotBlockTheNameForALease() throws Exception {
        LockClient a = LockClients.connect(uri(), LockConfig.builder().leaseTime(Duration.ofSeconds(30))
                .commandTimeout(COMMAND_TIMEOUT).build());
        clients.add(a);
        Mutex m = a.mutex(name);
        call("SCRIPT", "FLUSH");
        m.lock();
        m.unlock();
        stall(COMMAND_TIMEOUT.multipliedBy(2));
        Future<Boolean> attempt = pool.submit(() -> m.tryLock());
        assertThatThrownBy(() -> attempt.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(BackendUnavailableException.class);
        // After the stall the server runs the late acquire, then the clean-up sent behind it.
        await().atMost(Duration.ofSeconds(5)).until(() -> Long.valueOf(0).equals(call("EXISTS", LAYOUT.lockKey(name))));
        assertThat(m.tryLock()).isTrue();
        m.unlock();
    }

    @Test
    void aGrantThatRacesTheCancelOfItsAcquireIsGivenBack() throws Exception {
        LockConfig config = LockConfig.builder().commandTimeout(Duration.ofSeconds(5)).build();
        RedisLockDriver driver = new RedisLockDriver(RedisStore.connect(
                RedisEndpoint.parse(LockUri.parse(uri()), RedisLockOptions.defaults()), config));
        try {
            driver.start(new DriverContext() {
                @Override
                public LockConfig config() {
                    return config;
                }

                @Override
                public String clientId() {
                    return "race";
                }

                @Override
                public Collection<HeldLock> heldLocks() {
                    return List.of();
                }
            });
            stall(Duration.ofMillis(500));
            CompletableFuture<Grant> pending = driver.acquire(
                    new AcquireRequest(name, "race:1", 30_000, false, TimeUnit.SECONDS.toNanos(10), System.nanoTime()));
            assertThat(pending.cancel(false)).as("cancelled while the server stalls").isTrue();
            // The stalled server runs the acquire afterwards; the driver must give the lock back.
            await().atMost(Duration.ofSeconds(5)).until(() -> Long.valueOf(1).equals(call("EXISTS", LAYOUT.fenceKey(name))));
            await().atMost(Duration.ofSeconds(5)).until(() -> Long.valueOf(0).equals(call("EXISTS", LAYOUT.lockKey(name))));
            assertThat(driver.waitRooms()).isZero();
        } finally {
            driver.close();
        }
    }

    private long subscribers() {
        return RedisContractSupport.subscribersMatching(this::call, LAYOUT.channel(name) + "*");
    }
}
