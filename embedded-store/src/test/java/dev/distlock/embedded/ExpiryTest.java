package dev.distlock.embedded;

import static dev.distlock.embedded.RawRedis.bulk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Lazy and active expiry, all on a manual clock. */
class ExpiryTest {
    final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    EmbeddedRedisServer server;
    RawRedis r;

    @BeforeEach
    void start() {
        server = EmbeddedRedisServer.builder().clock(clock).build().start();
        r = new RawRedis(server);
    }

    @AfterEach
    void stop() {
        r.close();
        server.close();
    }

    @Test
    void ttlsFollowTheClock() {
        r.call("SET", "k", "v", "EX", "10");
        assertThat(r.call("PTTL", "k")).isEqualTo(":10000\r\n");
        clock.advance(Duration.ofMillis(2500));
        assertThat(r.call("PTTL", "k")).isEqualTo(":7500\r\n");
        assertThat(r.call("TTL", "k")).isEqualTo(":8\r\n");
        clock.advance(Duration.ofMillis(7499));
        assertThat(r.call("GET", "k")).isEqualTo(bulk("v"));
        clock.advance(Duration.ofMillis(1));
        assertThat(r.call("GET", "k")).isEqualTo("$-1\r\n");
        assertThat(r.call("TTL", "k")).isEqualTo(":-2\r\n");
        assertThat(r.call("TIME")).startsWith("*2\r\n" + bulk(Long.toString(clock.currentTimeMillis() / 1000)));
    }

    @Test
    void expiredKeysAreGoneForEveryCommand() {
        r.call("SET", "s", "v", "PX", "100");
        r.call("HSET", "h", "f", "1");
        r.call("PEXPIRE", "h", "100");
        r.call("RPUSH", "l", "x");
        r.call("PEXPIRE", "l", "100");
        clock.advance(Duration.ofMillis(100));
        assertThat(r.call("EXISTS", "s", "h", "l")).isEqualTo(":0\r\n");
        assertThat(r.call("HINCRBY", "h", "f", "1")).isEqualTo(":1\r\n");
        assertThat(r.call("TTL", "h")).isEqualTo(":-1\r\n");
        assertThat(r.call("LPUSH", "l", "y")).isEqualTo(":1\r\n");
        assertThat(r.call("SET", "s", "w", "NX")).isEqualTo("+OK\r\n");
        assertThat(r.call("KEYS", "*")).startsWith("*3\r\n");
    }

    @Test
    void theActiveCycleDeletesExpiredKeysWithoutAccess() {
        for (int i = 0; i < 500; i++) {
            r.call("SET", "tmp:" + i, "v", "PX", "1000");
        }
        r.call("SET", "keep", "v");
        assertThat(r.call("DBSIZE")).isEqualTo(":501\r\n");
        clock.advance(Duration.ofSeconds(2));
        // DBSIZE counts keys without expiring them, as Redis does: only the active cycle can shrink it
        await().atMost(Duration.ofSeconds(5)).until(() -> r.call("DBSIZE").equals(":1\r\n"));
        assertThat(r.call("INFO", "keyspace")).contains("db0:keys=1,expires=0");
    }

    @Test
    void setWithExpiryInThePastIsRejectedButExpireInThePastDeletes() {
        r.call("SET", "k", "v");
        assertThat(r.call("PEXPIREAT", "k", Long.toString(clock.currentTimeMillis() - 1))).isEqualTo(":1\r\n");
        assertThat(r.call("DBSIZE")).isEqualTo(":0\r\n");
        assertThat(r.call("SET", "k", "v", "PX", "-5")).isEqualTo("-ERR invalid expire time in 'set' command\r\n");
    }
}
