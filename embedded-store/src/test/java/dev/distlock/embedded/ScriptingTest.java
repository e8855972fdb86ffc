package dev.distlock.embedded;

import static dev.distlock.embedded.RawRedis.bulk;
import static dev.distlock.embedded.RawRedis.bulks;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scripting commands wired to the Lua engine, and Redis's BUSY behaviour. */
class ScriptingTest {
    static EmbeddedRedisServer server;
    static final String SPIN = "local i = 0 while true do i = i + 1 end";

    @BeforeAll
    static void start() {
        server = EmbeddedRedisServer.builder()
                .busyThreshold(Duration.ofMillis(200))
                .scriptTimeLimit(Duration.ofSeconds(2))
                .build().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void evalEvalshaAndScriptCommands() {
        try (RawRedis r = new RawRedis(server)) {
            assertThat(r.call("EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v")).isEqualTo("+OK\r\n");
            assertThat(r.call("GET", "k")).isEqualTo(bulk("v"));
            assertThat(r.call("EVAL", "return {1, 'two', redis.call('get', KEYS[1])}", "1", "k"))
                    .isEqualTo("*3\r\n:1\r\n" + bulk("two") + bulk("v"));
            String sha = r.call("SCRIPT", "LOAD", "return ARGV[1]");
            assertThat(sha).isEqualTo(bulk("098e0f0d1448c0a81dafe820f66d460eb09263da"));
            assertThat(r.call("EVALSHA", "098e0f0d1448c0a81dafe820f66d460eb09263da", "0", "hi")).isEqualTo(bulk("hi"));
            assertThat(r.call("SCRIPT", "EXISTS", "098e0f0d1448c0a81dafe820f66d460eb09263da", "nope")).isEqualTo("*2\r\n:1\r\n:0\r\n");
            assertThat(r.call("SCRIPT", "FLUSH")).isEqualTo("+OK\r\n");
            assertThat(r.call("EVALSHA", "098e0f0d1448c0a81dafe820f66d460eb09263da", "0"))
                    .isEqualTo("-NOSCRIPT No matching script. Please use EVAL.\r\n");
            assertThat(r.call("EVAL", "return 1", "2", "a")).isEqualTo("-ERR Number of keys can't be greater than number of args\r\n");
            assertThat(r.call("EVAL", "return 1", "-1")).isEqualTo("-ERR Number of keys can't be negative\r\n");
            assertThat(r.call("EVAL", "return 1", "x")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            assertThat(r.call("SCRIPT", "KILL")).isEqualTo("-NOTBUSY No scripts in execution right now.\r\n");
            assertThat(r.call("EVAL", "return redis.call('nosuch')", "0")).startsWith("-ERR Unknown Redis command called from script");
            assertThat(r.call("EVAL", "return redis.call('subscribe', 'x')", "0"))
                    .startsWith("-ERR This Redis command is not allowed from script");
            assertThat(r.call("EVAL", "return redis.call('lpush', KEYS[1], 'x')", "1", "k"))
                    .startsWith("-WRONGTYPE Operation against a key holding the wrong kind of value");
        }
    }

    @Test
    void readOnlyScriptsCannotWrite() {
        try (RawRedis r = new RawRedis(server)) {
            assertThat(r.call("EVAL_RO", "return redis.call('set', KEYS[1], '1')", "1", "ro"))
                    .startsWith("-ERR Write commands are not allowed from read-only scripts.");
            assertThat(r.call("EXISTS", "ro")).isEqualTo(":0\r\n");
            r.call("SET", "ro", "x");
            assertThat(r.call("EVAL_RO", "return redis.call('get', KEYS[1])", "1", "ro")).isEqualTo(bulk("x"));
            String sha = r.call("SCRIPT", "LOAD", "return redis.call('del', KEYS[1])").split("\r\n")[1];
            assertThat(r.call("EVALSHA_RO", sha, "1", "ro")).startsWith("-ERR Write commands are not allowed");
        }
    }

    @Test
    void scriptsSeeRedisReplyShapesAsRespTwo() {
        try (RawRedis r = new RawRedis(server)) {
            r.call("HELLO", "3");
            r.call("HSET", "sh", "f", "v");
            r.call("ZADD", "sz", "1.5", "m");
            assertThat(r.call("EVAL", "return redis.call('hgetall', KEYS[1])", "1", "sh")).isEqualTo(bulks("f", "v"));
            assertThat(r.call("EVAL", "return redis.call('zscore', KEYS[1], 'm')", "1", "sz")).isEqualTo(bulk("1.5"));
        }
    }

    @Test
    void transactionsWithScriptsStayAtomic() {
        try (RawRedis r = new RawRedis(server)) {
            r.call("MULTI");
            r.call("SET", "tx", "1");
            r.call("EVAL", "return redis.call('incr', KEYS[1])", "1", "tx");
            r.call("GET", "tx");
            assertThat(r.call("EXEC")).isEqualTo("*3\r\n+OK\r\n:2\r\n" + bulk("2"));
        }
    }

    @Test
    void aBusyScriptGetsOthersBusyRepliesAndCanBeKilled() throws Exception {
        try (RawRedis runner = new RawRedis(server); RawRedis other = new RawRedis(server)) {
            runner.send("EVAL", SPIN, "0");
            assertThat(runner.silentFor(50)).isTrue();
            // before the threshold other clients simply wait; after it they get BUSY
            other.send("GET", "x");
            assertThat(other.read()).isEqualTo("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or "
                    + "SHUTDOWN NOSAVE.\r\n");
            assertThat(other.call("PING")).startsWith("-BUSY ");
            assertThat(other.call("MULTI")).isEqualTo("+OK\r\n");
            assertThat(other.call("EXEC")).isEqualTo("-EXECABORT Transaction discarded because of: BUSY Redis is busy "
                    + "running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n");
            try (RawRedis third = new RawRedis(server)) {
                assertThat(third.call("HELLO", "3")).startsWith("%7\r\n");
            }
            assertThat(other.call("SCRIPT", "KILL")).isEqualTo("+OK\r\n");
            assertThat(runner.read()).startsWith("-ERR Script killed by user with SCRIPT KILL");
            assertThat(other.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(runner.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void aScriptThatWroteCannotBeKilledButIsStoppedByTheTimeLimit() {
        try (RawRedis runner = new RawRedis(server); RawRedis other = new RawRedis(server)) {
            runner.send("EVAL", "redis.call('set', 'wrote', '1') " + SPIN, "0");
            assertThat(runner.silentFor(300)).isTrue();
            assertThat(other.call("SCRIPT", "KILL")).startsWith("-UNKILLABLE Sorry the script already executed write commands");
            String reply = runner.read();
            assertThat(reply).startsWith("-").doesNotStartWith("-BUSY");
            assertThat(other.call("GET", "wrote")).isEqualTo(bulk("1"));
        }
    }

    @Test
    void aPipelineBehindAScriptWaitsForIt() {
        try (RawRedis r = new RawRedis(server)) {
            r.raw("*3\r\n$4\r\nEVAL\r\n$41\r\nreturn redis.call('incr', 'pipe-counter')\r\n$1\r\n0\r\n"
                    + "*2\r\n$4\r\nINCR\r\n$12\r\npipe-counter\r\n");
            assertThat(r.read()).isEqualTo(":1\r\n");
            assertThat(r.read()).isEqualTo(":2\r\n");
        }
    }
}
