package dev.distlock.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import dev.distlock.embedded.RedisProcess;
import dev.distlock.redis.RedisKeyLayout;
import dev.distlock.redis.ReplicaAckException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * redis-lock's optional wait for replica acknowledgements ({@code minReplicaAcks},
 * {@code replicaAckTimeout}) on real redis-server processes: a primary and one replica. A
 * replica stopped with SIGSTOP stays connected as far as the primary knows but acknowledges
 * nothing, as one cut off by a partition would.
 */
@Timeout(60)
class RedisReplicaAckIT {
    private static RedisProcess primary;
    private static RedisProcess replica;
    private final List<LockClient> clients = new ArrayList<>();
    private String name;

    @BeforeAll
    static void start() {
        assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed (apt-get install redis-server)");
        primary = node().build().start();
        replica = node().config("replicaof", "127.0.0.1", Integer.toString(primary.port())).build().start();
        await().atMost(Duration.ofSeconds(20)).until(() -> ((String) replica.call("INFO", "replication"))
                .contains("master_link_status:up"));
    }

    /** Diskless sync without its 5 s delay: the replica is in sync at once. */
    private static RedisProcess.Builder node() {
        return RedisProcess.builder().config("repl-diskless-sync", "yes").config("repl-diskless-sync-delay", "0");
    }

    @AfterAll
    static void stop() {
        if (replica != null) {
            replica.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    @AfterEach
    void cleanUp() {
        clients.forEach(LockClient::close);
        if (replica.isPaused()) {
            replica.resume();
        }
    }

    @BeforeEach
    void name(TestInfo info) {
        name = "ack:" + info.getTestMethod().orElseThrow().getName();
    }

    private LockClient client(String params) {
        LockClient c = LockClients.connect(primary.uri() + params,
                LockConfig.builder().commandTimeout(Duration.ofSeconds(3)).build());
        clients.add(c);
        return c;
    }

    private String lockKey() {
        return RedisKeyLayout.defaults().lockKey(name);
    }

    @Test
    void anAcquisitionTheReplicaAcknowledgedIsOnTheReplicaWhenItReturns() throws Exception {
        Mutex m = client("?minReplicaAcks=1&replicaAckTimeout=2s").mutex(name);
        assertThat(m.tryLock(Duration.ZERO, Duration.ofSeconds(10))).isTrue();
        // WAIT returned only after the replica had processed the write: no await needed.
        assertThat((String) replica.call("GET", lockKey())).endsWith("#" + m.fencingToken());
        m.unlock();
    }

    @Test
    void withAStalledReplicaTheAcquisitionFailsAndLeavesNothingHeld() throws Exception {
        replica.pause();
        Mutex m = client("?minReplicaAcks=1&replicaAckTimeout=200ms").mutex(name);
        long start = System.nanoTime();
        assertThatThrownBy(() -> m.tryLock(Duration.ZERO, Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(ReplicaAckException.class, e -> {
                    assertThat(e.lockName()).isEqualTo(name);
                    assertThat(e.required()).isEqualTo(1);
                    assertThat(e.acknowledged()).isZero();
                    assertThat(e).hasMessageContaining(name).hasMessageContaining("0 acknowledged within 200 ms");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("about the ack timeout").isLessThan(Duration.ofSeconds(3));
        assertThat(m.isHeldByCurrentThread()).isFalse();
        assertThat(primary.call("EXISTS", lockKey())).as("the granted lock was given back").isEqualTo(0L);

        // The same acquisition without the option reports success on the primary alone.
        Mutex plain = client("").mutex(name);
        assertThat(plain.tryLock(Duration.ZERO, Duration.ofSeconds(10))).isTrue();
        plain.unlock();
    }

    @Test
    void moreAcknowledgementsThanReplicasFailWithTheCount() {
        Mutex m = client("?minReplicaAcks=2&replicaAckTimeout=100ms").mutex(name);
        assertThatThrownBy(m::lock).isInstanceOfSatisfying(ReplicaAckException.class,
                e -> assertThat(e.acknowledged()).isEqualTo(1));
        assertThat(primary.call("EXISTS", lockKey())).isEqualTo(0L);
    }

    @Test
    void aWaiterWhoseGrantIsNotAcknowledgedFailsAtOnceAndLeavesNothing() throws Exception {
        String params = "?minReplicaAcks=1&replicaAckTimeout=200ms";
        Mutex holder = client(params).mutex(name);
        Mutex waiter = client(params).mutex(name);
        assertThat(holder.tryLock(Duration.ZERO, Duration.ofSeconds(10))).isTrue();
        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return waiter.tryLock(Duration.ofSeconds(20), Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // The waiter is parked on the release channel before the replica stops.
        await().atMost(Duration.ofSeconds(10)).until(() -> RedisAdmin.subscribers(primary, lockKey() + ":wake") == 1);
        replica.pause();
        holder.unlock();
        assertThatThrownBy(() -> waited.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ReplicaAckException.class);
        assertThat(primary.call("EXISTS", lockKey())).isEqualTo(0L);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> RedisAdmin.subscribers(primary, lockKey() + ":wake") == 0);
    }
}
