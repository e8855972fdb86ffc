package dev.distlock.embedded;

import static dev.distlock.embedded.RawRedis.bulk;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MULTI, EXEC, DISCARD, WATCH. */
class TransactionsTest {
    static final ManualClock CLOCK = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    static EmbeddedRedisServer server;

    @BeforeAll
    static void start() {
        server = EmbeddedRedisServer.builder().clock(CLOCK).build().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void flush() {
        try (RawRedis r = new RawRedis(server)) {
            r.call("FLUSHALL");
        }
    }

    @Test
    void execRunsTheQueueAtomicallyWithPerCommandErrors() {
        try (RawRedis r = new RawRedis(server)) {
            assertThat(r.call("MULTI")).isEqualTo("+OK\r\n");
            assertThat(r.call("MULTI")).isEqualTo("-ERR MULTI calls can not be nested\r\n");
            assertThat(r.call("WATCH", "x")).isEqualTo("-ERR WATCH inside MULTI is not allowed\r\n");
            assertThat(r.call("SET", "a", "1")).isEqualTo("+QUEUED\r\n");
            assertThat(r.call("LPUSH", "a", "1")).isEqualTo("+QUEUED\r\n");
            assertThat(r.call("GET", "a")).isEqualTo("+QUEUED\r\n");
            assertThat(r.call("EXEC")).isEqualTo("*3\r\n+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
                    + bulk("1"));
            assertThat(r.call("EXEC")).isEqualTo("-ERR EXEC without MULTI\r\n");
            assertThat(r.call("DISCARD")).isEqualTo("-ERR DISCARD without MULTI\r\n");
        }
    }

    @Test
    void queueingErrorsAbortTheTransaction() {
        try (RawRedis r = new RawRedis(server)) {
            r.call("MULTI");
            r.call("SET", "a", "1");
            assertThat(r.call("FOO")).isEqualTo("-ERR unknown command 'FOO', with args beginning with: \r\n");
            assertThat(r.call("INCR", "a", "x")).isEqualTo("-ERR wrong number of arguments for 'incr' command\r\n");
            assertThat(r.call("EXEC")).isEqualTo("-EXECABORT Transaction discarded because of previous errors.\r\n");
            assertThat(r.call("EXISTS", "a")).isEqualTo(":0\r\n");
            r.call("MULTI");
            r.call("SET", "a", "1");
            assertThat(r.call("DISCARD")).isEqualTo("+OK\r\n");
            assertThat(r.call("EXISTS", "a")).isEqualTo(":0\r\n");
        }
    }

    @Test
    void watchAbortsWhenAnotherClientWrites() {
        try (RawRedis r = new RawRedis(server); RawRedis other = new RawRedis(server)) {
            r.call("SET", "w", "1");
            assertThat(r.call("WATCH", "w", "w2")).isEqualTo("+OK\r\n");
            other.call("SET", "w", "2");
            r.call("MULTI");
            r.call("GET", "w");
            assertThat(r.call("EXEC")).isEqualTo("*-1\r\n");
            // the watch is gone after EXEC
            r.call("MULTI");
            r.call("GET", "w");
            assertThat(r.call("EXEC")).isEqualTo("*1\r\n" + bulk("2"));
            // untouched watch commits; UNWATCH forgets
            r.call("WATCH", "w");
            other.call("SET", "w", "3");
            r.call("UNWATCH");
            r.call("MULTI");
            assertThat(r.call("EXEC")).isEqualTo("*0\r\n");
            r.call("HELLO", "3");
            r.call("WATCH", "w");
            other.call("DEL", "w");
            r.call("MULTI");
            assertThat(r.call("EXEC")).isEqualTo("_\r\n");
        }
    }

    @Test
    void watchAbortsWhenTheKeyExpires() {
        try (RawRedis r = new RawRedis(server)) {
            r.call("SET", "w", "1", "PX", "1000");
            r.call("WATCH", "w");
            CLOCK.advance(Duration.ofSeconds(2));
            r.call("MULTI");
            r.call("SET", "x", "1");
            assertThat(r.call("EXEC")).isEqualTo("*-1\r\n");
            assertThat(r.call("EXISTS", "x")).isEqualTo(":0\r\n");
        }
    }

    @Test
    void blockingPopInsideExecDoesNotBlock() {
        try (RawRedis r = new RawRedis(server)) {
            r.call("MULTI");
            r.call("BLPOP", "nothing", "0");
            assertThat(r.call("EXEC")).isEqualTo("*1\r\n*-1\r\n");
        }
    }
}
