package dev.distlock.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.distlock.Lease;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.LockLostException;
import dev.distlock.LossReason;
import dev.distlock.Mutex;
import dev.distlock.embedded.RedisProcess;
import dev.distlock.embedded.RedisSentinelGroup;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sentinel failovers under a client that holds and takes locks: after a manual failover (the old
 * master lives on as a replica) and after the master is killed, the client finds the new master,
 * a hold either survives (its key was replicated) or is reported lost, and tokens keep growing.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisSentinelFailoverIT {
    private static RedisSentinelGroup group;
    private LockClient client;

    @BeforeAll
    static void startGroup() {
        assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed (apt-get install redis-server)");
        group = RedisSentinelGroup.builder().build().start();
    }

    @AfterAll
    static void stopGroup() {
        if (group != null) {
            group.close();
        }
    }

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    private void connect() {
        client = LockClients.connect(group.uri(), LockConfig.builder().leaseTime(Duration.ofSeconds(3))
                .renewInterval(Duration.ofMillis(500)).commandTimeout(Duration.ofMillis(800)).build());
    }

    @Test
    void manualFailover() throws Exception {
        connect();
        checkAcross(() -> {
            RedisProcess old = group.currentMaster();
            group.failover();
            // Until Sentinel demotes the old master (seconds after the failover) it still takes
            // writes from clients connected to it: the split-brain window of Redis Sentinel.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> ((String) old.call("INFO", "replication")).contains("role:slave"));
        });
    }

    @Test
    void masterCrash() throws Exception {
        connect();
        checkAcross(() -> {
            RedisProcess master = group.currentMaster();
            master.kill();
            group.awaitFailover(master.port(), Duration.ofSeconds(30));
            master.start();
        });
    }

    private void checkAcross(Runnable failover) throws Exception {
        String tag = UUID.randomUUID().toString();
        Mutex held = client.mutex("held:" + tag);
        BlockingQueue<LeaseLostEvent> lost = new LinkedBlockingQueue<>();
        Lease lease = held.acquire(Duration.ZERO).onLost(lost::add);
        long heldToken = lease.fencingToken();
        Mutex other = client.mutex("other:" + tag);
        other.lock();
        long otherToken = other.fencingToken();
        other.unlock();
        // Let the replica catch up with the counters and the held key before the failover.
        group.currentMaster().call("WAIT", "1", "2000");

        failover.run();

        // The client must find the new master by itself.
        Mutex probe = client.mutex("probe:" + tag);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            boolean got = probe.tryLock();
            if (got) {
                probe.unlock();
            }
            return got;
        });
        other.lock();
        assertThat(other.fencingToken()).as("token after the failover").isGreaterThan(otherToken);
        other.unlock();
        // The hold either survived on the promoted replica or its loss was reported: never silent.
        await().atMost(Duration.ofSeconds(10)).until(() -> lease.isValid() ? heldRenewedOnNewMaster(tag) : !lost.isEmpty());
        if (lease.isValid()) {
            lease.close();
        } else {
            assertThat(lost.peek().reason()).isIn(LossReason.RENEWAL_FAILED, LossReason.RENEWAL_REJECTED,
                    LossReason.EXPIRED);
            try {
                held.unlock();
            } catch (LockLostException expected) {
                // the loss is reported again at unlock
            }
        }
        held.lock();
        assertThat(held.fencingToken()).as("token of the held name after the failover").isGreaterThan(heldToken);
        held.unlock();
    }

    /** Whether the held key exists on the current master with a TTL renewed within the last second. */
    private static boolean heldRenewedOnNewMaster(String tag) {
        Object ttl = group.currentMaster().call("PTTL", RedisContractSupport.LAYOUT.lockKey("held:" + tag));
        return ttl instanceof Long l && l > 2000;
    }
}
