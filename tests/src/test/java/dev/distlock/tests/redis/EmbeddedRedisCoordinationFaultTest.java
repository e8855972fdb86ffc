package dev.distlock.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.Lease;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.LockLostException;
import dev.distlock.LossReason;
import dev.distlock.PermitLease;
import dev.distlock.embedded.EmbeddedRedisServer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults of Redis read-write locks and semaphores: a hold whose keys are deleted on the server
 * (an operator's {@code DEL}, data lost in a restart or failover) is reported lost at the next
 * renewal, and its owner's unlock says so.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedRedisCoordinationFaultTest {
    private static EmbeddedRedisServer server;
    private LockClient client;
    private String name;

    @BeforeAll
    static void startServer() {
        server = EmbeddedRedisServer.builder().port(0).build().start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void connect() {
        client = LockClients.connect(server.uri(), LockConfig.builder().leaseTime(Duration.ofMillis(1500))
                .renewInterval(Duration.ofMillis(500)).commandTimeout(Duration.ofSeconds(2)).build());
        name = "fault:" + UUID.randomUUID();
    }

    @AfterEach
    void close() {
        client.close();
    }

    private void del(String key) {
        assertThat((Long) MiniResp.call(server.host(), server.port(), "DEL", key)).as("deleted " + key).isEqualTo(1L);
    }

    @Test
    void aDeletedWriteHoldIsReportedLost() throws Exception {
        BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
        Lease write = client.readWriteLock(name).writeLock().acquire(Duration.ZERO).onLost(lost::add);
        del(RedisContractSupport.LAYOUT.lockKey(name) + ":rw:w");
        LeaseLostEvent event = lost.poll(5, TimeUnit.SECONDS);
        assertThat(event).as("told within a renewal").isNotNull();
        assertThat(event.reason()).isEqualTo(LossReason.RENEWAL_REJECTED);
        assertThat(write.isValid()).isFalse();
        assertThatThrownBy(write::close).isInstanceOf(LockLostException.class).hasMessageContaining(name);
    }

    @Test
    void deletedPermitsAreReportedLost() throws Exception {
        BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
        PermitLease lease = client.semaphore(name, 2).tryAcquire(2, Duration.ZERO);
        lease.onLost(lost::add);
        del(RedisContractSupport.LAYOUT.lockKey(name) + ":sem");
        LeaseLostEvent event = lost.poll(5, TimeUnit.SECONDS);
        assertThat(event).as("told within a renewal").isNotNull();
        assertThat(event.reason()).isEqualTo(LossReason.RENEWAL_REJECTED);
        assertThat(client.semaphore(name, 2).availablePermits()).isEqualTo(2);
        assertThatThrownBy(lease::close).isInstanceOf(LockLostException.class);
    }
}
