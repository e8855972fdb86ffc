package dev.distlock.embedded;

import static dev.distlock.embedded.RawRedis.bulk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Replication between embedded servers: sync, propagation, resync, WAIT, min-replicas, faults, promotion. */
class ReplicationTest {
    private static final Duration AWAIT = Duration.ofSeconds(10);
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeLater.size() - 1; i >= 0; i--) {
            closeLater.get(i).close();
        }
    }

    private EmbeddedRedisServer start(EmbeddedRedisServer.Builder b) {
        EmbeddedRedisServer s = b.build().start();
        closeLater.add(s);
        return s;
    }

    private RawRedis client(EmbeddedRedisServer s) {
        RawRedis r = new RawRedis(s);
        closeLater.add(r);
        return r;
    }

    private static long info(RawRedis r, String field) {
        String text = r.call("INFO", "everything");
        Matcher m = Pattern.compile("\r\n" + Pattern.quote(field) + ":(-?\\d+)").matcher(text);
        assertThat(m.find()).as(field + " in INFO").isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Awaits a condition; polls often, since resyncs take a few tens of milliseconds here. */
    private static org.awaitility.core.ConditionFactory soon() {
        return await().atMost(AWAIT).pollInterval(Duration.ofMillis(10));
    }

    private static void awaitLinkUp(RawRedis replica) {
        soon().until(() -> replica.call("INFO", "replication").contains("master_link_status:up"));
    }

    @Test
    void aReplicaSyncsInFullThenGetsEveryWriteIncludingScriptsAndTransactions() {
        EmbeddedRedisServer primary = start(EmbeddedRedisServer.builder());
        RawRedis p = client(primary);
        p.call("SET", "s", "v");
        p.call("HSET", "h", "f1", "a", "f2", "b");
        p.call("RPUSH", "l", "x", "y", "z");
        p.call("ZADD", "z", "1.5", "m1", "-2", "m2");
        p.call("SELECT", "3");
        p.call("SET", "in3", "yes");
        p.call("SELECT", "0");

        EmbeddedRedisServer replica = start(EmbeddedRedisServer.builder());
        replica.replicaOf(primary);
        RawRedis r = client(replica);
        awaitLinkUp(r);
        assertThat(replica.isReplica()).isTrue();
        assertThat(r.call("GET", "s")).isEqualTo(bulk("v"));
        assertThat(r.call("HGET", "h", "f2")).isEqualTo(bulk("b"));
        assertThat(r.call("LRANGE", "l", "0", "-1")).isEqualTo(RawRedis.bulks("x", "y", "z"));
        assertThat(r.call("ZSCORE", "z", "m1")).isEqualTo(bulk("1.5"));
        r.call("SELECT", "3");
        assertThat(r.call("GET", "in3")).isEqualTo(bulk("yes"));
        r.call("SELECT", "0");
        assertThat(info(p, "sync_full")).isEqualTo(1);

        // then propagation: a plain write, a script writing two keys, a transaction
        p.call("INCR", "counter");
        p.call("EVAL", "redis.call('SET', KEYS[1], ARGV[1]); redis.call('DEL', KEYS[2]); return 1", "2", "fromScript", "s", "42");
        p.call("MULTI");
        p.call("LPUSH", "l", "w");
        p.call("HDEL", "h", "f1");
        p.call("EXEC");
        assertThat(p.call("WAIT", "1", "5000")).isEqualTo(":1\r\n");
        assertThat(r.call("GET", "counter")).isEqualTo(bulk("1"));
        assertThat(r.call("GET", "fromScript")).isEqualTo(bulk("42"));
        assertThat(r.call("EXISTS", "s")).isEqualTo(":0\r\n");
        assertThat(r.call("LRANGE", "l", "0", "-1")).isEqualTo(RawRedis.bulks("w", "x", "y", "z"));
        assertThat(r.call("HGETALL", "h")).isEqualTo(RawRedis.bulks("f2", "b"));
        assertThat(replica.replicationOffset()).isEqualTo(primary.replicationOffset());

        String info = p.call("INFO", "replication");
        assertThat(info).contains("role:master", "connected_slaves:1", "slave0:ip=127.0.0.1,port=" + replica.port());
        assertThat(r.call("INFO", "replication")).contains("role:slave", "master_port:" + primary.port());
    }

    @Test
    void aReplicaIsReadOnlyForClients() {
        EmbeddedRedisServer primary = start(EmbeddedRedisServer.builder());
        EmbeddedRedisServer replica = start(EmbeddedRedisServer.builder().replicaOf(primary.host(), primary.port()));
        RawRedis r = client(replica);
        awaitLinkUp(r);
        String readonly = "-READONLY You can't write against a read only replica.\r\n";
        assertThat(r.call("SET", "k", "v")).isEqualTo(readonly);
        assertThat(r.call("EVAL", "return redis.call('SET', 'k', 'v')", "0")).startsWith("-READONLY");
        assertThat(r.call("EVAL", "return redis.call('GET', 'k')", "0")).isEqualTo("$-1\r\n");
        r.call("MULTI");
        assertThat(r.call("SET", "k", "v")).isEqualTo(readonly);
        assertThat(r.call("EXEC")).startsWith("-EXECABORT");
        assertThat(r.call("WAIT", "0", "0")).startsWith("-ERR WAIT cannot be used with replica instances");
        assertThat(r.call("GET", "k")).isEqualTo("$-1\r\n");
    }

    @Test
    void aReplicaDoesNotExpireKeysItselfButFollowsThePrimarysDel() {
        ManualClock primaryClock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        ManualClock replicaClock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        EmbeddedRedisServer primary = start(EmbeddedRedisServer.builder().clock(primaryClock));
        EmbeddedRedisServer replica = start(EmbeddedRedisServer.builder().clock(replicaClock));
        RawRedis p = client(primary);
        RawRedis r = client(replica);
        p.call("SET", "k", "v", "PX", "1000");
        replica.replicaOf(primary);
        awaitLinkUp(r);
        assertThat(r.call("GET", "k")).isEqualTo(bulk("v"));

        replica.faults().advanceClock(Duration.ofSeconds(2)); // the replica's clock is past the deadline
        assertThat(r.call("GET", "k")).as("logically expired reads as absent").isEqualTo("$-1\r\n");
        assertThat(r.call("DBSIZE")).as("but the replica does not delete it").isEqualTo(":1\r\n");

        primary.faults().advanceClock(Duration.ofSeconds(2)); // the primary expires it and propagates DEL
        soon().until(() -> r.call("DBSIZE").equals(":0\r\n"));
    }

    @Test
    void aShortLinkDropResyncsPartiallyAndABacklogOverflowInFull() {
        EmbeddedRedisServer primary = start(EmbeddedRedisServer.builder().replicationBacklogSize(1024));
        EmbeddedRedisServer replica = start(EmbeddedRedisServer.builder().replicaOf(primary.host(), primary.port()));
        RawRedis p = client(primary);
        RawRedis r = client(replica);
        awaitLinkUp(r);
        p.call("SET", "before", "1");

        primary.faults().partitionReplication();
        soon().until(() -> r.call("INFO", "replication").contains("master_link_status:down"));
        p.call("SET", "during", "short");
        primary.faults().healReplication();
        soon().until(() -> r.call("GET", "during").equals(bulk("short")));
        assertThat(info(p, "sync_partial_ok")).isEqualTo(1);
        assertThat(info(p, "sync_full")).isEqualTo(1);

        primary.faults().partitionReplication();
        soon().until(() -> r.call("INFO", "replication").contains("master_link_status:down"));
        String big = "x".repeat(600);
        p.call("SET", "big1", big);
        p.call("SET", "big2", big); // more than the 1 KiB backlog since the replica's offset
        primary.faults().healReplication();
        soon().until(() -> r.call("GET", "big2").equals(bulk(big)));
        assertThat(info(p, "sync_full")).isEqualTo(2);
        assertThat(info(p, "sync_partial_ok")).isEqualTo(1);
        assertThat(r.call("GET", "big1")).isEqualTo(bulk(big));
        assertThat(r.call("GET", "before")).isEqualTo(bulk("1"));
    }

    @Test
    void waitCountsTheReplicasThatAcknowledgedAndBlocksOnlyItsCaller() {
        EmbeddedRedisServer primary = start(EmbeddedRedisServer.builder());
        EmbeddedRedisServer a = start(EmbeddedRedisServer.builder().replicaOf(primary.host(), primary.port()));
        EmbeddedRedisServer b = start(EmbeddedRedisServer.builder().replicaOf(primary.host(), primary.port()));
        awaitLinkUp(client(a));
        awaitLinkUp(client(b));
        RawRedis p = client(primary);
        RawRedis other = client(primary);
        p.call("SET", "k", "1");
        assertThat(p.call("WAIT", "2", "5000")).isEqualTo(":2\r\n");

        primary.faults().pauseReplication();
        assertThat(p.call("SET", "k", "2")).isEqualTo("+OK\r\n");
        p.send("WAIT", "1", "400");
        assertThat(other.call("PING")).as("the event loop serves others meanwhile").isEqualTo("+PONG\r\n");
        assertThat(p.read()).as("no replica has the paused write").isEqualTo(":0\r\n");

        primary.faults().resumeReplication();
        assertThat(p.call("WAIT", "2", "5000")).isEqualTo(":2\r\n");
        assertThat(client(a).call("GET", "k")).isEqualTo(bulk("2"));
    }

    @Test
    void minReplicasToWriteRefusesWritesWithoutEnoughGoodReplicas() {
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        EmbeddedRedisServer primary = start(EmbeddedRedisServer.builder().clock(clock).minReplicasToWrite(1)
                .minReplicasMaxLag(Duration.ofSeconds(10)));
        RawRedis p = client(primary);
        String noReplicas = "-NOREPLICAS Not enough good replicas to write.\r\n";
        assertThat(p.call("SET", "k", "v")).isEqualTo(noReplicas);
        assertThat(p.call("GET", "k")).as("reads are fine").isEqualTo("$-1\r\n");

        EmbeddedRedisServer replica = start(EmbeddedRedisServer.builder().replicaOf(primary.host(), primary.port()));
        awaitLinkUp(client(replica));
        soon().until(() -> p.call("SET", "k", "v").equals("+OK\r\n"));

        // a stuck replica acknowledges nothing, and the primary's clock jumps past the max lag
        replica.faults().pause(Duration.ofSeconds(60));
        primary.faults().advanceClock(Duration.ofSeconds(11));
        soon().until(() -> p.call("SET", "k", "v2").equals(noReplicas)); // an ack already on its way may land first
        assertThat(p.call("EVAL", "return redis.call('SET', 'k', 'v3')", "0")).startsWith("-NOREPLICAS");
        assertThat(p.call("GET", "k")).isNotEqualTo(bulk("v3"));
        // once it answers again, its next ack (about every second) makes it good again
        replica.faults().resume();
        soon().until(() -> p.call("SET", "k", "v4").equals("+OK\r\n"));

        primary.faults().partitionReplication(); // the minority side of a split brain
        assertThat(p.call("SET", "k", "v5")).isEqualTo(noReplicas);
        assertThat(p.call("CONFIG", "SET", "min-replicas-to-write", "0")).isEqualTo("+OK\r\n");
        assertThat(p.call("SET", "k", "v6")).isEqualTo("+OK\r\n");
        assertThat(p.call("CONFIG", "GET", "min-replicas-max-lag")).isEqualTo(RawRedis.bulks("min-replicas-max-lag", "10"));
    }

    @Test
    void aWriteHeldBackByPauseReplicationIsLostWhenThePrimaryDiesAndTheReplicaIsPromoted() {
        EmbeddedRedisServer primary = start(EmbeddedRedisServer.builder());
        EmbeddedRedisServer replica = start(EmbeddedRedisServer.builder().replicaOf(primary.host(), primary.port()));
        RawRedis p = client(primary);
        RawRedis r = client(replica);
        awaitLinkUp(r);
        p.call("SET", "lock", "A");
        assertThat(p.call("WAIT", "1", "5000")).isEqualTo(":1\r\n");

        primary.faults().pauseReplication();
        assertThat(p.call("SET", "lock", "B")).isEqualTo("+OK\r\n"); // answered, never replicated
        primary.faults().stop();
        soon().until(() -> r.call("INFO", "replication").contains("master_link_status:down"));

        replica.promote();
        assertThat(replica.isReplica()).isFalse();
        assertThat(r.call("GET", "lock")).isEqualTo(bulk("A"));
        assertThat(r.call("SET", "lock", "C")).isEqualTo("+OK\r\n");
        assertThat(r.call("INFO", "replication")).contains("role:master");
        assertThat(r.call("ROLE")).startsWith("*3\r\n$6\r\nmaster\r\n");
    }

    @Test
    void afterAFailoverTheOtherReplicaResyncsPartiallyFromThePromotedOne() {
        EmbeddedRedisServer primary = start(EmbeddedRedisServer.builder());
        EmbeddedRedisServer a = start(EmbeddedRedisServer.builder().replicaOf(primary.host(), primary.port()));
        EmbeddedRedisServer b = start(EmbeddedRedisServer.builder().replicaOf(primary.host(), primary.port()));
        RawRedis p = client(primary);
        awaitLinkUp(client(a));
        awaitLinkUp(client(b));
        p.call("SET", "k", "1");
        assertThat(p.call("WAIT", "2", "5000")).isEqualTo(":2\r\n");

        primary.faults().stop();
        a.promote(); // what Sentinel does: promote one replica, point the others at it
        b.replicaOf(a);
        RawRedis rb = client(b);
        awaitLinkUp(rb);
        RawRedis ra = client(a);
        assertThat(info(ra, "sync_partial_ok")).as("b continued a's history under the old id").isEqualTo(1);
        assertThat(info(ra, "sync_full")).isZero();
        ra.call("SET", "k", "2");
        assertThat(ra.call("WAIT", "1", "5000")).isEqualTo(":1\r\n");
        assertThat(rb.call("GET", "k")).isEqualTo(bulk("2"));
    }

    @Test
    void aReplicaReconnectsWhenItsPrimaryComesBack() {
        EmbeddedRedisServer primary = start(EmbeddedRedisServer.builder());
        EmbeddedRedisServer replica = start(EmbeddedRedisServer.builder());
        RawRedis r = client(replica);
        assertThat(r.call("REPLICAOF", primary.host(), Integer.toString(primary.port()))).isEqualTo("+OK\r\n");
        awaitLinkUp(r);
        RawRedis p0 = client(primary);
        p0.call("SET", "k", "v");
        assertThat(p0.call("WAIT", "1", "5000")).isEqualTo(":1\r\n");

        primary.faults().stop();
        soon().until(() -> r.call("INFO", "replication").contains("master_link_status:down"));
        primary.faults().restart(true); // same data, same history: a partial resync
        awaitLinkUp(r);
        RawRedis p = client(primary);
        p.call("SET", "after", "1");
        soon().until(() -> r.call("GET", "after").equals(bulk("1")));
        assertThat(info(p, "sync_partial_ok")).isEqualTo(1);

        primary.faults().restart(false); // an empty primary: the replica follows it into emptiness
        soon().until(() -> r.call("DBSIZE").equals(":0\r\n"));
        assertThat(r.call("REPLICAOF", "NO", "ONE")).isEqualTo("+OK\r\n");
        assertThat(r.call("SET", "k", "mine")).isEqualTo("+OK\r\n");
    }

    @Test
    void argumentsAreChecked() {
        EmbeddedRedisServer s = start(EmbeddedRedisServer.builder());
        assertThatThrownBy(() -> s.replicaOf((EmbeddedRedisServer) null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("primary");
        assertThatThrownBy(() -> s.replicaOf(s)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("primary");
        assertThatThrownBy(() -> s.replicaOf(" ", 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host");
        assertThatThrownBy(() -> s.replicaOf("127.0.0.1", 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> s.replicaOf("127.0.0.1", s.port())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("itself");
        EmbeddedRedisServer.Builder b = EmbeddedRedisServer.builder();
        assertThatThrownBy(() -> b.minReplicasToWrite(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minReplicasToWrite");
        assertThatThrownBy(() -> b.minReplicasMaxLag(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minReplicasMaxLag");
        assertThatThrownBy(() -> b.replicationBacklogSize(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicationBacklogSize");
        assertThatThrownBy(() -> b.replicaOf("h", 70000)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        RawRedis r = client(s);
        assertThat(r.call("REPLICAOF", "127.0.0.1", "notaport")).isEqualTo("-ERR Invalid master port\r\n");
        assertThat(r.call("WAIT", "1", "10")).as("no replicas: zero acknowledged").isEqualTo(":0\r\n");
    }
}
