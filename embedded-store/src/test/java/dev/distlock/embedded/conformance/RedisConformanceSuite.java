package dev.distlock.embedded.conformance;

import static dev.distlock.embedded.conformance.RespConnection.decode;
import static dev.distlock.embedded.conformance.RespConnection.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The command-level conformance suite: the same commands, byte-exact expected replies and
 * error texts (those of Redis 7.0), run against every target a subclass starts — the embedded
 * server and a real redis-server. Where Redis leaves something open (the order of KEYS, of a
 * hash, the server version, ids, times) the test checks the decoded shape instead of bytes.
 *
 * <p>Subclasses provide {@link #start(String)}; one target (and one with a password, on
 * demand) serves the whole class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RedisConformanceSuite {
    /** A started server under test. */
    public interface Target extends AutoCloseable {
        /** @return its port on 127.0.0.1 */
        int port();

        @Override
        void close();
    }

    /**
     * Starts a target on a free port.
     *
     * @param password the {@code requirepass} password, or null for none
     * @return the started target
     */
    protected abstract Target start(String password);

    static final String PASSWORD = "s3cret-pw";

    private Target target;
    private Target passworded;
    private final List<RespConnection> open = new ArrayList<>();

    @BeforeAll
    void startTarget() {
        target = start(null);
    }

    @AfterAll
    void stopTargets() {
        if (target != null) {
            target.close();
        }
        if (passworded != null) {
            passworded.close();
        }
    }

    @BeforeEach
    void flush() {
        RespConnection c = conn();
        assertThat(c.call("FLUSHALL")).isEqualTo("+OK\r\n");
    }

    @AfterEach
    void closeConnections() {
        open.forEach(RespConnection::close);
        open.clear();
    }

    /** A new connection to the target, closed after the test. */
    RespConnection conn() {
        return track(new RespConnection(target.port()));
    }

    /** A new connection switched to RESP3 with HELLO 3. */
    RespConnection conn3() {
        RespConnection c = conn();
        assertThat(c.call("HELLO", "3")).startsWith("%7\r\n");
        return c;
    }

    RespConnection passwordConn() {
        synchronized (this) {
            if (passworded == null) {
                passworded = start(PASSWORD);
            }
        }
        return track(new RespConnection(passworded.port()));
    }

    private RespConnection track(RespConnection c) {
        open.add(c);
        return c;
    }

    static String ok() {
        return "+OK\r\n";
    }

    static String integer(long v) {
        return ":" + v + "\r\n";
    }

    static String bulk(String s) {
        return "$" + s.length() + "\r\n" + s + "\r\n";
    }

    static String nil() {
        return "$-1\r\n";
    }

    static String err(String message) {
        return "-" + message + "\r\n";
    }

    static String array(String... frames) {
        return "*" + frames.length + "\r\n" + String.join("", frames);
    }

    static long ttl(RespConnection c, String cmd, String key) {
        return (Long) decode(c.call(cmd, key));
    }

    @Nested
    class Strings {
        @Test
        void setAndGet() {
            RespConnection c = conn();
            assertThat(c.call("SET", "k", "v")).isEqualTo(ok());
            assertThat(c.call("GET", "k")).isEqualTo(bulk("v"));
            assertThat(c.call("GET", "missing")).isEqualTo(nil());
            assertThat(c.call("SET", "k", "")).isEqualTo(ok());
            assertThat(c.call("GET", "k")).isEqualTo("$0\r\n\r\n");
        }

        @Test
        void setNxAndXx() {
            RespConnection c = conn();
            assertThat(c.call("SET", "k", "1", "NX")).isEqualTo(ok());
            assertThat(c.call("SET", "k", "2", "NX")).isEqualTo(nil());
            assertThat(c.call("SET", "absent", "2", "XX")).isEqualTo(nil());
            assertThat(c.call("SET", "k", "3", "XX")).isEqualTo(ok());
            assertThat(c.call("GET", "k")).isEqualTo(bulk("3"));
            assertThat(c.call("SET", "k", "4", "NX", "XX")).isEqualTo(err("ERR syntax error"));
            assertThat(c.call("SETNX", "k", "5")).isEqualTo(integer(0));
            assertThat(c.call("SETNX", "n", "5")).isEqualTo(integer(1));
        }

        @Test
        void setWithExpiryOptions() {
            RespConnection c = conn();
            assertThat(c.call("SET", "k", "v", "PX", "100000")).isEqualTo(ok());
            assertThat(ttl(c, "PTTL", "k")).isBetween(90_000L, 100_000L);
            assertThat(c.call("SET", "k", "v", "EX", "100")).isEqualTo(ok());
            assertThat(ttl(c, "TTL", "k")).isBetween(99L, 100L);
            long nowSec = System.currentTimeMillis() / 1000;
            assertThat(c.call("SET", "k", "v", "EXAT", Long.toString(nowSec + 100))).isEqualTo(ok());
            assertThat(ttl(c, "TTL", "k")).isBetween(98L, 100L);
            long nowMs = System.currentTimeMillis();
            assertThat(c.call("SET", "k", "v", "PXAT", Long.toString(nowMs + 100_000))).isEqualTo(ok());
            assertThat(ttl(c, "PTTL", "k")).isBetween(95_000L, 100_000L);
            assertThat(c.call("SET", "k", "v", "EX", "0")).isEqualTo(err("ERR invalid expire time in 'set' command"));
            assertThat(c.call("SET", "k", "v", "PX", "-5")).isEqualTo(err("ERR invalid expire time in 'set' command"));
            assertThat(c.call("SET", "k", "v", "EX", "x")).isEqualTo(err("ERR value is not an integer or out of range"));
            assertThat(c.call("SET", "k", "v", "EX", "10", "PX", "10")).isEqualTo(err("ERR syntax error"));
        }

        @Test
        void keepTtlAndGetOption() {
            RespConnection c = conn();
            c.call("SET", "k", "v1", "EX", "100");
            assertThat(c.call("SET", "k", "v2", "KEEPTTL")).isEqualTo(ok());
            assertThat(ttl(c, "TTL", "k")).isBetween(99L, 100L);
            assertThat(c.call("SET", "k", "v3", "GET")).isEqualTo(bulk("v2"));
            assertThat(ttl(c, "TTL", "k")).isEqualTo(-1L); // a SET without KEEPTTL clears the TTL
            assertThat(c.call("SET", "new", "x", "GET")).isEqualTo(nil());
            c.call("LPUSH", "list", "a");
            assertThat(c.call("SET", "list", "x", "GET"))
                    .isEqualTo(err("WRONGTYPE Operation against a key holding the wrong kind of value"));
        }

        @Test
        void expiredKeysAreGone() {
            RespConnection c = conn();
            assertThat(c.call("SET", "k", "v", "PX", "50")).isEqualTo(ok());
            await().atMost(Duration.ofSeconds(3)).until(() -> c.call("GET", "k").equals(nil()));
            assertThat(c.call("EXISTS", "k")).isEqualTo(integer(0));
        }

        @Test
        void getDelMgetMset() {
            RespConnection c = conn();
            assertThat(c.call("MSET", "a", "1", "b", "2")).isEqualTo(ok());
            assertThat(c.call("MGET", "a", "b", "c")).isEqualTo(array(bulk("1"), bulk("2"), nil()));
            assertThat(c.call("GETDEL", "a")).isEqualTo(bulk("1"));
            assertThat(c.call("GETDEL", "a")).isEqualTo(nil());
            assertThat(c.call("MSET", "a")).isEqualTo(err("ERR wrong number of arguments for 'mset' command"));
        }

        @Test
        void counters() {
            RespConnection c = conn();
            assertThat(c.call("INCR", "n")).isEqualTo(integer(1));
            assertThat(c.call("INCRBY", "n", "5")).isEqualTo(integer(6));
            assertThat(c.call("DECR", "n")).isEqualTo(integer(5));
            assertThat(c.call("DECRBY", "n", "10")).isEqualTo(integer(-5));
            assertThat(c.call("GET", "n")).isEqualTo(bulk("-5"));
            c.call("SET", "s", "abc");
            assertThat(c.call("INCR", "s")).isEqualTo(err("ERR value is not an integer or out of range"));
            assertThat(c.call("INCRBY", "n", "1.5")).isEqualTo(err("ERR value is not an integer or out of range"));
            c.call("SET", "max", "9223372036854775807");
            assertThat(c.call("INCR", "max")).isEqualTo(err("ERR increment or decrement would overflow"));
        }
    }

    @Nested
    class Keys {
        @Test
        void delUnlinkExists() {
            RespConnection c = conn();
            c.call("MSET", "a", "1", "b", "2", "c", "3");
            assertThat(c.call("EXISTS", "a", "a", "zz")).isEqualTo(integer(2));
            assertThat(c.call("DEL", "a", "zz")).isEqualTo(integer(1));
            assertThat(c.call("UNLINK", "b", "c")).isEqualTo(integer(2));
            assertThat(c.call("DBSIZE")).isEqualTo(integer(0));
        }

        @Test
        void expireTtlPersist() {
            RespConnection c = conn();
            c.call("SET", "k", "v");
            assertThat(c.call("TTL", "k")).isEqualTo(integer(-1));
            assertThat(c.call("TTL", "missing")).isEqualTo(integer(-2));
            assertThat(c.call("PTTL", "missing")).isEqualTo(integer(-2));
            assertThat(c.call("EXPIRE", "k", "100")).isEqualTo(integer(1));
            assertThat(ttl(c, "TTL", "k")).isBetween(99L, 100L);
            assertThat(c.call("PEXPIRE", "k", "50000")).isEqualTo(integer(1));
            assertThat(ttl(c, "PTTL", "k")).isBetween(45_000L, 50_000L);
            assertThat(c.call("EXPIRE", "missing", "100")).isEqualTo(integer(0));
            assertThat(c.call("PERSIST", "k")).isEqualTo(integer(1));
            assertThat(c.call("PERSIST", "k")).isEqualTo(integer(0));
            assertThat(c.call("TTL", "k")).isEqualTo(integer(-1));
            long now = System.currentTimeMillis();
            assertThat(c.call("EXPIREAT", "k", Long.toString(now / 1000 + 100))).isEqualTo(integer(1));
            assertThat(ttl(c, "TTL", "k")).isBetween(98L, 100L);
            assertThat(c.call("PEXPIREAT", "k", Long.toString(now + 100_000))).isEqualTo(integer(1));
            assertThat(ttl(c, "PTTL", "k")).isBetween(95_000L, 100_000L);
            assertThat(c.call("PEXPIREAT", "k", Long.toString(now - 1000))).isEqualTo(integer(1));
            assertThat(c.call("EXISTS", "k")).isEqualTo(integer(0)); // a time in the past deletes at once
            assertThat(c.call("EXPIRE", "k", "x")).isEqualTo(err("ERR value is not an integer or out of range"));
        }

        @Test
        void types() {
            RespConnection c = conn();
            c.call("SET", "s", "v");
            c.call("RPUSH", "l", "a");
            c.call("HSET", "h", "f", "v");
            c.call("ZADD", "z", "1", "m");
            assertThat(c.call("TYPE", "s")).isEqualTo("+string\r\n");
            assertThat(c.call("TYPE", "l")).isEqualTo("+list\r\n");
            assertThat(c.call("TYPE", "h")).isEqualTo("+hash\r\n");
            assertThat(c.call("TYPE", "z")).isEqualTo("+zset\r\n");
            assertThat(c.call("TYPE", "none")).isEqualTo("+none\r\n");
        }

        @Test
        void keysAndScan() {
            RespConnection c = conn();
            for (int i = 0; i < 25; i++) {
                c.call("SET", "user:" + i, "x");
            }
            c.call("SET", "other", "x");
            @SuppressWarnings("unchecked")
            List<Object> keys = (List<Object>) decode(c.call("KEYS", "user:1*"));
            assertThat(keys).containsExactlyInAnyOrder("user:1", "user:10", "user:11", "user:12", "user:13", "user:14",
                    "user:15", "user:16", "user:17", "user:18", "user:19");
            Set<Object> scanned = new HashSet<>();
            String cursor = "0";
            int rounds = 0;
            do {
                @SuppressWarnings("unchecked")
                List<Object> page = (List<Object>) decode(c.call("SCAN", cursor, "MATCH", "user:*", "COUNT", "10"));
                assertThat(page).hasSize(2);
                cursor = (String) page.get(0);
                @SuppressWarnings("unchecked")
                List<Object> batch = (List<Object>) page.get(1);
                scanned.addAll(batch);
                assertThat(++rounds).isLessThan(100);
            } while (!cursor.equals("0"));
            assertThat(scanned).hasSize(25).allMatch(k -> k.toString().startsWith("user:"));
            assertThat(c.call("SCAN", "x")).isEqualTo(err("ERR invalid cursor"));
        }
    }

    @Nested
    class Hashes {
        @Test
        void hashCommands() {
            RespConnection c = conn();
            assertThat(c.call("HSET", "h", "a", "1", "b", "2")).isEqualTo(integer(2));
            assertThat(c.call("HSET", "h", "a", "3")).isEqualTo(integer(0));
            assertThat(c.call("HGET", "h", "a")).isEqualTo(bulk("3"));
            assertThat(c.call("HGET", "h", "zz")).isEqualTo(nil());
            assertThat(c.call("HGET", "nohash", "a")).isEqualTo(nil());
            assertThat(c.call("HEXISTS", "h", "b")).isEqualTo(integer(1));
            assertThat(c.call("HEXISTS", "h", "zz")).isEqualTo(integer(0));
            assertThat(c.call("HINCRBY", "h", "n", "5")).isEqualTo(integer(5));
            assertThat(c.call("HINCRBY", "h", "n", "-7")).isEqualTo(integer(-2));
            assertThat(c.call("HINCRBY", "h", "n", "x")).isEqualTo(err("ERR value is not an integer or out of range"));
            assertThat(c.call("HINCRBY", "h", "a", "1")).isEqualTo(integer(4));
            assertThat(c.call("HLEN", "h")).isEqualTo(integer(3));
            String all = c.call("HGETALL", "h");
            assertThat(all).startsWith("*6\r\n");
            assertThat(pairs(decode(all))).containsExactlyInAnyOrderEntriesOf(Map.of("a", "4", "b", "2", "n", "-2"));
            @SuppressWarnings("unchecked")
            List<Object> fields = (List<Object>) decode(c.call("HKEYS", "h"));
            assertThat(fields).containsExactlyInAnyOrder("a", "b", "n");
            assertThat(c.call("HDEL", "h", "a", "zz")).isEqualTo(integer(1));
            assertThat(c.call("HGETALL", "nohash")).isEqualTo("*0\r\n");
            assertThat(c.call("HSET", "h", "x")).isEqualTo(err("ERR wrong number of arguments for 'hset' command"));
            c.call("DEL", "h");
            assertThat(c.call("HDEL", "h", "b")).isEqualTo(integer(0));
        }

        @Test
        void resp3MapReply() {
            RespConnection c = conn3();
            c.call("HSET", "h", "a", "1", "b", "2");
            String all = c.call("HGETALL", "h");
            assertThat(all).startsWith("%2\r\n");
            assertThat(decode(all)).isEqualTo(Map.of("a", "1", "b", "2"));
            assertThat(c.call("HGET", "h", "zz")).isEqualTo("_\r\n");
        }
    }

    static Map<Object, Object> pairs(Object flat) {
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) flat;
        Map<Object, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < l.size(); i += 2) {
            m.put(l.get(i), l.get(i + 1));
        }
        return m;
    }

    @Nested
    class Lists {
        @Test
        void pushPopRange() {
            RespConnection c = conn();
            assertThat(c.call("RPUSH", "l", "a", "b", "c")).isEqualTo(integer(3));
            assertThat(c.call("LPUSH", "l", "y", "z")).isEqualTo(integer(5));
            assertThat(c.call("LRANGE", "l", "0", "-1"))
                    .isEqualTo(array(bulk("z"), bulk("y"), bulk("a"), bulk("b"), bulk("c")));
            assertThat(c.call("LRANGE", "l", "1", "2")).isEqualTo(array(bulk("y"), bulk("a")));
            assertThat(c.call("LRANGE", "l", "10", "20")).isEqualTo("*0\r\n");
            assertThat(c.call("LLEN", "l")).isEqualTo(integer(5));
            assertThat(c.call("LPOP", "l")).isEqualTo(bulk("z"));
            assertThat(c.call("RPOP", "l")).isEqualTo(bulk("c"));
            assertThat(c.call("LPOP", "l", "2")).isEqualTo(array(bulk("y"), bulk("a")));
            assertThat(c.call("RPOP", "l", "5")).isEqualTo(array(bulk("b")));
            assertThat(c.call("LLEN", "l")).isEqualTo(integer(0));
            assertThat(c.call("EXISTS", "l")).isEqualTo(integer(0)); // an emptied list is deleted
            assertThat(c.call("LPOP", "l")).isEqualTo(nil());
            assertThat(c.call("LPOP", "l", "2")).isEqualTo("*-1\r\n");
            assertThat(c.call("LPOP", "l", "-1")).isEqualTo(err("ERR value is out of range, must be positive"));
            c.call("SET", "s", "x");
            assertThat(c.call("LPUSH", "s", "a")).isEqualTo(err("WRONGTYPE Operation against a key holding the wrong kind of value"));
            assertThat(c.call("LLEN", "s")).isEqualTo(err("WRONGTYPE Operation against a key holding the wrong kind of value"));
        }

        @Test
        void blpopTimesOutWithANullArray() {
            RespConnection c = conn();
            long t0 = System.nanoTime();
            assertThat(c.call("BLPOP", "empty", "0.2")).isEqualTo("*-1\r\n");
            // the 200 ms timeout is the behaviour under test
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(3));
            assertThat(c.call("BLPOP", "empty", "-1")).isEqualTo(err("ERR timeout is negative"));
            assertThat(c.call("BLPOP", "empty", "x")).isEqualTo(err("ERR timeout is not a float or out of range"));
            RespConnection c3 = conn3();
            assertThat(c3.call("BRPOP", "empty", "0.05")).isEqualTo("_\r\n");
        }

        @Test
        void blpopAndBrpopAreWokenByAPush() {
            RespConnection waiter = conn();
            RespConnection pusher = conn();
            waiter.send("BLPOP", "q1", "q2", "5");
            await().atMost(Duration.ofSeconds(3)).until(() -> decode(pusher.call("CLIENT", "LIST")).toString().contains("cmd=blpop"));
            assertThat(pusher.call("RPUSH", "q2", "x", "y")).isEqualTo(integer(2));
            assertThat(waiter.read()).isEqualTo(array(bulk("q2"), bulk("x")));
            waiter.send("BRPOP", "q2", "5");
            assertThat(waiter.read()).isEqualTo(array(bulk("q2"), bulk("y"))); // was there already
            assertThat(pusher.call("LLEN", "q2")).isEqualTo(integer(0));
        }
    }

    @Nested
    class SortedSets {
        @Test
        void zsetCommands() {
            RespConnection c = conn();
            assertThat(c.call("ZADD", "z", "1", "a", "2", "b", "3", "c")).isEqualTo(integer(3));
            assertThat(c.call("ZADD", "z", "1.5", "a")).isEqualTo(integer(0));
            assertThat(c.call("ZSCORE", "z", "a")).isEqualTo(bulk("1.5"));
            assertThat(c.call("ZSCORE", "z", "nope")).isEqualTo(nil());
            assertThat(c.call("ZCARD", "z")).isEqualTo(integer(3));
            assertThat(c.call("ZRANGE", "z", "0", "-1")).isEqualTo(array(bulk("a"), bulk("b"), bulk("c")));
            assertThat(c.call("ZRANGE", "z", "0", "-1", "WITHSCORES"))
                    .isEqualTo(array(bulk("a"), bulk("1.5"), bulk("b"), bulk("2"), bulk("c"), bulk("3")));
            assertThat(c.call("ZRANGEBYSCORE", "z", "(1.5", "+inf")).isEqualTo(array(bulk("b"), bulk("c")));
            assertThat(c.call("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "1")).isEqualTo(array(bulk("b")));
            assertThat(c.call("ZRANGEBYSCORE", "z", "2", "3", "WITHSCORES"))
                    .isEqualTo(array(bulk("b"), bulk("2"), bulk("c"), bulk("3")));
            assertThat(c.call("ZRANGEBYSCORE", "z", "a", "b")).isEqualTo(err("ERR min or max is not a float"));
            assertThat(c.call("ZRANK", "z", "c")).isEqualTo(integer(2));
            assertThat(c.call("ZRANK", "z", "nope")).isEqualTo(nil());
            assertThat(c.call("ZREM", "z", "a", "nope")).isEqualTo(integer(1));
            assertThat(c.call("ZREMRANGEBYSCORE", "z", "0", "2")).isEqualTo(integer(1));
            assertThat(c.call("ZRANGE", "z", "0", "-1")).isEqualTo(array(bulk("c")));
            assertThat(c.call("ZADD", "z", "x", "m")).isEqualTo(err("ERR value is not a valid float"));
            assertThat(c.call("ZADD", "z", "1", "a", "2")).isEqualTo(err("ERR syntax error"));
        }

        @Test
        void resp3Scores() {
            RespConnection c = conn3();
            c.call("ZADD", "z", "1.5", "a", "2", "b");
            assertThat(c.call("ZSCORE", "z", "a")).isEqualTo(",1.5\r\n");
            assertThat(c.call("ZSCORE", "z", "nope")).isEqualTo("_\r\n");
            assertThat(c.call("ZRANGE", "z", "0", "-1", "WITHSCORES"))
                    .isEqualTo(array(array(bulk("a"), ",1.5\r\n"), array(bulk("b"), ",2\r\n")));
        }
    }

    @Nested
    class PubSub {
        @Test
        void subscribePublishAndPatternsOverResp2() {
            RespConnection sub = conn();
            RespConnection pub = conn();
            sub.send("SUBSCRIBE", "ch1", "ch2");
            assertThat(sub.read()).isEqualTo(array(bulk("subscribe"), bulk("ch1"), integer(1)));
            assertThat(sub.read()).isEqualTo(array(bulk("subscribe"), bulk("ch2"), integer(2)));
            assertThat(pub.call("PUBLISH", "ch1", "hi")).isEqualTo(integer(1));
            assertThat(sub.read()).isEqualTo(array(bulk("message"), bulk("ch1"), bulk("hi")));
            assertThat(sub.call("PSUBSCRIBE", "ch*")).isEqualTo(array(bulk("psubscribe"), bulk("ch*"), integer(3)));
            assertThat(pub.call("PUBLISH", "ch1", "x")).isEqualTo(integer(2));
            assertThat(sub.read()).isEqualTo(array(bulk("message"), bulk("ch1"), bulk("x")));
            assertThat(sub.read()).isEqualTo("*4\r\n" + bulk("pmessage") + bulk("ch*") + bulk("ch1") + bulk("x"));
            assertThat(pub.call("PUBLISH", "nobody", "x")).isEqualTo(integer(0));
            @SuppressWarnings("unchecked")
            List<Object> channels = (List<Object>) decode(pub.call("PUBSUB", "CHANNELS"));
            assertThat(channels).containsExactlyInAnyOrder("ch1", "ch2");
            assertThat(pub.call("PUBSUB", "CHANNELS", "ch1*")).isEqualTo(array(bulk("ch1")));
            assertThat(pub.call("PUBSUB", "NUMSUB", "ch1", "nope"))
                    .isEqualTo(array(bulk("ch1"), integer(1), bulk("nope"), integer(0)));
            assertThat(sub.call("GET", "x")).isEqualTo(err("ERR Can't execute 'get': only (P|S)SUBSCRIBE / "
                    + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"));
            assertThat(sub.call("PING")).isEqualTo(array(bulk("pong"), bulk("")));
            assertThat(sub.call("UNSUBSCRIBE", "ch1")).isEqualTo(array(bulk("unsubscribe"), bulk("ch1"), integer(2)));
            assertThat(sub.call("PUNSUBSCRIBE", "ch*")).isEqualTo(array(bulk("punsubscribe"), bulk("ch*"), integer(1)));
            assertThat(sub.call("UNSUBSCRIBE")).isEqualTo(array(bulk("unsubscribe"), bulk("ch2"), integer(0)));
            assertThat(sub.call("GET", "x")).isEqualTo(nil()); // out of the subscribed state
            assertThat(sub.call("SUBSCRIBE")).isEqualTo(err("ERR wrong number of arguments for 'subscribe' command"));
        }

        @Test
        void pushFramesOverResp3() {
            RespConnection sub = conn3();
            RespConnection pub = conn();
            assertThat(sub.call("SUBSCRIBE", "ch")).isEqualTo(">3\r\n" + bulk("subscribe") + bulk("ch") + integer(1));
            assertThat(pub.call("PUBLISH", "ch", "hi")).isEqualTo(integer(1));
            assertThat(sub.read()).isEqualTo(">3\r\n" + bulk("message") + bulk("ch") + bulk("hi"));
            assertThat(sub.call("PSUBSCRIBE", "c*")).isEqualTo(">3\r\n" + bulk("psubscribe") + bulk("c*") + integer(2));
            assertThat(pub.call("PUBLISH", "ch", "x")).isEqualTo(integer(2));
            assertThat(sub.read()).isEqualTo(">3\r\n" + bulk("message") + bulk("ch") + bulk("x"));
            assertThat(sub.read()).isEqualTo(">4\r\n" + bulk("pmessage") + bulk("c*") + bulk("ch") + bulk("x"));
            // RESP3 lets a subscribed connection run ordinary commands
            assertThat(sub.call("GET", "nothing")).isEqualTo("_\r\n");
            assertThat(sub.call("UNSUBSCRIBE", "ch")).isEqualTo(">3\r\n" + bulk("unsubscribe") + bulk("ch") + integer(1));
        }
    }

    @Nested
    class Transactions {
        @Test
        void multiExecDiscard() {
            RespConnection c = conn();
            assertThat(c.call("MULTI")).isEqualTo(ok());
            assertThat(c.call("SET", "a", "1")).isEqualTo("+QUEUED\r\n");
            assertThat(c.call("INCR", "a")).isEqualTo("+QUEUED\r\n");
            assertThat(c.call("GET", "a")).isEqualTo("+QUEUED\r\n");
            assertThat(c.call("EXEC")).isEqualTo(array(ok(), integer(2), bulk("2")));
            assertThat(c.call("MULTI")).isEqualTo(ok());
            assertThat(c.call("MULTI")).isEqualTo(err("ERR MULTI calls can not be nested"));
            assertThat(c.call("SET", "a", "9")).isEqualTo("+QUEUED\r\n");
            assertThat(c.call("DISCARD")).isEqualTo(ok());
            assertThat(c.call("GET", "a")).isEqualTo(bulk("2"));
            assertThat(c.call("EXEC")).isEqualTo(err("ERR EXEC without MULTI"));
            assertThat(c.call("DISCARD")).isEqualTo(err("ERR DISCARD without MULTI"));
        }

        @Test
        void errorsWhileQueuingAbortAndRuntimeErrorsDoNot() {
            RespConnection c = conn();
            c.call("MULTI");
            assertThat(c.call("GET")).isEqualTo(err("ERR wrong number of arguments for 'get' command"));
            assertThat(c.call("SET", "a", "1")).isEqualTo("+QUEUED\r\n");
            assertThat(c.call("EXEC")).isEqualTo(err("EXECABORT Transaction discarded because of previous errors."));
            assertThat(c.call("GET", "a")).isEqualTo(nil());
            c.call("SET", "s", "text");
            c.call("MULTI");
            c.call("INCR", "s");
            c.call("SET", "b", "2");
            assertThat(c.call("EXEC")).isEqualTo(array(err("ERR value is not an integer or out of range"), ok()));
            assertThat(c.call("GET", "b")).isEqualTo(bulk("2"));
        }

        @Test
        void watchAbortsOnAConcurrentWrite() {
            RespConnection c = conn();
            RespConnection other = conn();
            c.call("SET", "k", "1");
            assertThat(c.call("WATCH", "k")).isEqualTo(ok());
            other.call("SET", "k", "2");
            c.call("MULTI");
            c.call("SET", "k", "3");
            assertThat(c.call("EXEC")).isEqualTo("*-1\r\n");
            assertThat(c.call("GET", "k")).isEqualTo(bulk("2"));
            // no write in between: EXEC runs
            c.call("WATCH", "k");
            c.call("MULTI");
            c.call("SET", "k", "4");
            assertThat(c.call("EXEC")).isEqualTo(array(ok()));
            // UNWATCH forgets the watch
            c.call("WATCH", "k");
            other.call("SET", "k", "5");
            assertThat(c.call("UNWATCH")).isEqualTo(ok());
            c.call("MULTI");
            c.call("SET", "k", "6");
            assertThat(c.call("EXEC")).isEqualTo(array(ok()));
            c.call("MULTI");
            assertThat(c.call("WATCH", "k")).isEqualTo(err("ERR WATCH inside MULTI is not allowed"));
            c.call("DISCARD");
            // an expired watched key counts as changed
            RespConnection c3 = conn3();
            c3.call("WATCH", "k");
            other.call("DEL", "k");
            c3.call("MULTI");
            c3.call("GET", "k");
            assertThat(c3.call("EXEC")).isEqualTo("_\r\n");
        }
    }

    @Nested
    class Scripting {
        @BeforeEach
        void flushScripts() {
            assertThat(conn().call("SCRIPT", "FLUSH")).isEqualTo("+OK\r\n");
        }

        @Test
        void evalConvertsLuaValuesToReplies() {
            RespConnection c = conn();
            assertThat(c.call("EVAL", "return 1", "0")).isEqualTo(integer(1));
            assertThat(c.call("EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", "k", "v")).isEqualTo(ok());
            assertThat(c.call("EVAL", "return redis.call('GET', KEYS[1])", "1", "k")).isEqualTo(bulk("v"));
            assertThat(c.call("EVAL", "return redis.call('GET', KEYS[1])", "1", "missing")).isEqualTo(nil());
            assertThat(c.call("EVAL", "return {1,2,3.7,'x',nil,4}", "0"))
                    .isEqualTo(array(integer(1), integer(2), integer(3), bulk("x")));
            assertThat(c.call("EVAL", "return true", "0")).isEqualTo(integer(1));
            assertThat(c.call("EVAL", "return false", "0")).isEqualTo(nil());
            assertThat(c.call("EVAL", "return 3.99", "0")).isEqualTo(integer(3));
            assertThat(c.call("EVAL", "return 'str'", "0")).isEqualTo(bulk("str"));
            assertThat(c.call("EVAL", "return {ok='fine'}", "0")).isEqualTo("+fine\r\n");
            assertThat(c.call("EVAL", "return {err='E1 bad'}", "0")).isEqualTo(err("E1 bad"));
            assertThat(c.call("EVAL", "return redis.status_reply('DONE')", "0")).isEqualTo("+DONE\r\n");
            assertThat(c.call("EVAL", "return redis.error_reply('My Error')", "0")).isEqualTo(err("My Error"));
            assertThat(c.call("EVAL", "return redis.sha1hex('')", "0"))
                    .isEqualTo(bulk("da39a3ee5e6b4b0d3255bfef95601890afd80709"));
            assertThat(c.call("EVAL", "return {KEYS[1], KEYS[2], ARGV[1]}", "2", "a", "b", "c"))
                    .isEqualTo(array(bulk("a"), bulk("b"), bulk("c")));
            assertThat(c.call("EVAL", "return redis.call('INCRBY', KEYS[1], 5)", "1", "n")).isEqualTo(integer(5));
            assertThat(c.call("EVAL", "return redis.call('HGETALL', KEYS[1])", "1", "nohash")).isEqualTo("*0\r\n");
            assertThat(c.call("EVAL", "redis.log(redis.LOG_NOTICE, 'hello'); return 0", "0")).isEqualTo(integer(0));
        }

        @Test
        void scriptErrors() {
            RespConnection c = conn();
            c.call("SET", "s", "x");
            String wrongTypeSha = "ca9fa84fdc578c36d0f4565db7a9a3f2dda67633";
            assertThat(c.call("EVAL", "return redis.call('LPUSH','s','a')", "0"))
                    .isEqualTo(err("WRONGTYPE Operation against a key holding the wrong kind of value script: "
                            + wrongTypeSha + ", on @user_script:1."));
            assertThat(c.call("EVAL", "return redis.pcall('LPUSH','s','a')", "0"))
                    .isEqualTo(err("WRONGTYPE Operation against a key holding the wrong kind of value"));
            assertThat(c.call("EVAL", "local r = redis.pcall('INCR', KEYS[1]); return r['err']", "1", "s"))
                    .isEqualTo(bulk("ERR value is not an integer or out of range"));
            assertThat(c.call("EVAL", "error('boom')", "0"))
                    .isEqualTo(err("ERR user_script:1: boom script: 82903a0434f1503e152f89c03c9acd881a0e8150, on @user_script:1."));
            assertThat(c.call("EVAL", "return redis.call('nosuch')", "0"))
                    .isEqualTo(err("ERR Unknown Redis command called from script script: "
                            + "206396248e12c6e742fd7296250433c8d7343b74, on @user_script:1."));
            assertThat(c.call("EVAL", "return redis.call('GET')", "0"))
                    .isEqualTo(err("ERR Wrong number of args calling Redis command from script script: "
                            + "72273adc3c5955bf8543f1ad6ce893355b89617d, on @user_script:1."));
            // WAIT is flagged noscript in Redis 7.0
            assertThat(c.call("EVAL", "return redis.call('wait', 0, 0)", "0"))
                    .isEqualTo(err("ERR This Redis command is not allowed from script script: "
                            + "09c741d9d86c54b89b6c904a627c276a73679c40, on @user_script:1."));
            assertThat(c.call("EVAL", "return redis.pcall('wait', 0, 0)", "0"))
                    .isEqualTo(err("ERR This Redis command is not allowed from script"));
            assertThat(c.call("EVAL", "return 1", "5")).isEqualTo(err("ERR Number of keys can't be greater than number of args"));
            assertThat(c.call("EVAL", "return 1", "-1")).isEqualTo(err("ERR Number of keys can't be negative"));
            assertThat(c.call("EVAL", "return 1", "x")).isEqualTo(err("ERR value is not an integer or out of range"));
            assertThat(c.call("EVAL", "return 1")).isEqualTo(err("ERR wrong number of arguments for 'eval' command"));
            assertThat(c.call("EVAL_RO", "return redis.call('SET','x','1')", "0"))
                    .isEqualTo(err("ERR Write commands are not allowed from read-only scripts. script: "
                            + "131b5f2ed4a6e4f431cc21897ae043d687859f08, on @user_script:1."));
            assertThat(c.call("EVAL_RO", "return redis.call('GET', KEYS[1])", "1", "s")).isEqualTo(bulk("x"));
            assertThat(c.call("EVAL", "return +", "0")).startsWith("-ERR Error compiling script");
        }

        @Test
        void evalshaScriptLoadExistsFlush() {
            RespConnection c = conn();
            String sha = "2f31ba2bb6d6a0f42cc159d2e2dad55440778de3"; // sha1("return 'hi'")
            assertThat(c.call("EVALSHA", sha, "0")).isEqualTo(err("NOSCRIPT No matching script. Please use EVAL."));
            assertThat(c.call("SCRIPT", "LOAD", "return 'hi'")).isEqualTo(bulk(sha));
            assertThat(c.call("EVALSHA", sha, "0")).isEqualTo(bulk("hi"));
            assertThat(c.call("EVALSHA", sha.toUpperCase(), "0")).isEqualTo(bulk("hi"));
            assertThat(c.call("EVALSHA_RO", sha, "0")).isEqualTo(bulk("hi"));
            assertThat(c.call("SCRIPT", "EXISTS", sha, "0000000000000000000000000000000000000000"))
                    .isEqualTo(array(integer(1), integer(0)));
            // EVAL caches the script too
            c.call("EVAL", "return 2", "0");
            assertThat(c.call("EVALSHA", "7f923f79fe76194c868d7e1d0820de36700eb649", "0")).isEqualTo(integer(2));
            assertThat(c.call("SCRIPT", "FLUSH")).isEqualTo(ok());
            assertThat(c.call("EVALSHA", sha, "0")).isEqualTo(err("NOSCRIPT No matching script. Please use EVAL."));
            assertThat(c.call("SCRIPT", "LOAD")).isEqualTo(err("ERR wrong number of arguments for 'script|load' command"));
            assertThat(c.call("SCRIPT", "FOO")).isEqualTo(err("ERR unknown subcommand 'FOO'. Try SCRIPT HELP."));
        }

        @Test
        void scriptsRunAtomicallyAgainstOtherClients() {
            RespConnection c = conn();
            RespConnection other = conn();
            String script = "redis.call('SET', KEYS[1], 'a'); redis.call('SET', KEYS[2], 'b'); return redis.call('MGET', KEYS[1], KEYS[2])";
            assertThat(c.call("EVAL", script, "2", "x", "y")).isEqualTo(array(bulk("a"), bulk("b")));
            assertThat(other.call("MGET", "x", "y")).isEqualTo(array(bulk("a"), bulk("b")));
        }
    }

    @Nested
    class ConnectionCommands {
        @Test
        void helloNegotiatesTheProtocol() {
            RespConnection c = conn();
            String hello3 = c.call("HELLO", "3");
            assertThat(hello3).startsWith("%7\r\n");
            @SuppressWarnings("unchecked")
            Map<Object, Object> m = (Map<Object, Object>) decode(hello3);
            assertThat(m).containsOnlyKeys("server", "version", "proto", "id", "mode", "role", "modules");
            assertThat(m).containsEntry("server", "redis").containsEntry("proto", 3L).containsEntry("mode", "standalone")
                    .containsEntry("role", "master").containsEntry("modules", List.of());
            assertThat(m.get("version").toString()).matches("\\d+\\.\\d+\\.\\d+");
            assertThat(m.get("id")).isInstanceOf(Long.class);
            assertThat(c.call("GET", "missing")).isEqualTo("_\r\n");
            String hello2 = c.call("HELLO", "2");
            assertThat(hello2).startsWith("*14\r\n");
            assertThat(pairs(decode(hello2))).containsEntry("proto", 2L).containsEntry("server", "redis");
            assertThat(c.call("GET", "missing")).isEqualTo(nil());
            assertThat(c.call("HELLO", "4")).isEqualTo(err("NOPROTO unsupported protocol version"));
            assertThat(c.call("HELLO", "x")).isEqualTo(err("ERR Protocol version is not an integer or out of range"));
            assertThat(c.call("HELLO")).startsWith("*14\r\n"); // no version: stays on RESP2
        }

        @Test
        void authErrorsWithoutAPassword() {
            RespConnection c = conn();
            assertThat(c.call("AUTH", "x")).isEqualTo(err("ERR AUTH <password> called without any password configured "
                    + "for the default user. Are you sure your configuration is correct?"));
            assertThat(c.call("AUTH", "someone", "x")).isEqualTo(err("WRONGPASS invalid username-password pair or user is disabled."));
            assertThat(c.call("AUTH")).isEqualTo(err("ERR wrong number of arguments for 'auth' command"));
        }

        @Test
        void requirePass() {
            RespConnection c = passwordConn();
            assertThat(c.call("GET", "k")).isEqualTo(err("NOAUTH Authentication required."));
            assertThat(c.call("HELLO", "3")).isEqualTo(err("NOAUTH HELLO must be called with the client already "
                    + "authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate "
                    + "the client and select the RESP protocol version at the same time"));
            assertThat(c.call("AUTH", "wrong")).isEqualTo(err("WRONGPASS invalid username-password pair or user is disabled."));
            assertThat(c.call("HELLO", "3", "AUTH", "default", "wrong"))
                    .isEqualTo(err("WRONGPASS invalid username-password pair or user is disabled."));
            assertThat(c.call("AUTH", PASSWORD)).isEqualTo(ok());
            assertThat(c.call("GET", "k")).isEqualTo(nil());
            RespConnection d = passwordConn();
            assertThat(d.call("HELLO", "3", "AUTH", "default", PASSWORD)).startsWith("%7\r\n");
            assertThat(d.call("GET", "k")).isEqualTo("_\r\n");
            RespConnection e = passwordConn();
            assertThat(e.call("AUTH", "default", PASSWORD)).isEqualTo(ok());
        }

        @Test
        void pingEchoSelectAndServerCommands() {
            RespConnection c = conn();
            assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(c.call("PING", "hi")).isEqualTo(bulk("hi"));
            assertThat(c.call("ECHO", "hey")).isEqualTo(bulk("hey"));
            c.call("SET", "db0", "x");
            assertThat(c.call("SELECT", "1")).isEqualTo(ok());
            assertThat(c.call("GET", "db0")).isEqualTo(nil());
            assertThat(c.call("DBSIZE")).isEqualTo(integer(0));
            c.call("SET", "db1", "y");
            assertThat(c.call("FLUSHDB")).isEqualTo(ok());
            assertThat(c.call("SELECT", "0")).isEqualTo(ok());
            assertThat(c.call("DBSIZE")).isEqualTo(integer(1));
            assertThat(c.call("SELECT", "99")).isEqualTo(err("ERR DB index is out of range"));
            assertThat(c.call("SELECT", "x")).isEqualTo(err("ERR value is not an integer or out of range"));
            assertThat(c.call("CLIENT", "SETNAME", "conformance")).isEqualTo(ok());
            assertThat(c.call("CLIENT", "GETNAME")).isEqualTo(bulk("conformance"));
            assertThat(c.call("CLIENT", "SETNAME", "has space"))
                    .isEqualTo(err("ERR Client names cannot contain spaces, newlines or special characters."));
            assertThat(decode(c.call("CLIENT", "ID"))).isInstanceOf(Long.class);
            assertThat(c.call("CLIENT", "FOO")).isEqualTo(err("ERR unknown subcommand 'FOO'. Try CLIENT HELP."));
            assertThat(decode(c.call("CLIENT", "LIST")).toString()).contains("name=conformance");
            @SuppressWarnings("unchecked")
            List<Object> time = (List<Object>) decode(c.call("TIME"));
            assertThat(time).hasSize(2);
            assertThat(Long.parseLong(time.get(0).toString())).isCloseTo(System.currentTimeMillis() / 1000,
                    org.assertj.core.data.Offset.offset(5L));
            assertThat(decode(c.call("INFO", "server")).toString()).contains("# Server").contains("redis_version:");
            assertThat(decode(c.call("INFO")).toString()).contains("# Clients").contains("# Replication").contains("# Keyspace");
            assertThat(c.call("WAIT", "0", "0")).isEqualTo(integer(0));
            assertThat(c.call("QUIT")).isEqualTo(ok());
            assertThat(c.closedByServer()).isTrue();
        }

        @Test
        void unknownCommandsWrongArityAndWrongType() {
            RespConnection c = conn();
            assertThat(c.call("FOO", "a", "b")).isEqualTo(err("ERR unknown command 'FOO', with args beginning with: 'a' 'b' "));
            assertThat(c.call("FOO")).isEqualTo(err("ERR unknown command 'FOO', with args beginning with: "));
            assertThat(c.call("GET")).isEqualTo(err("ERR wrong number of arguments for 'get' command"));
            assertThat(c.call("SET", "k")).isEqualTo(err("ERR wrong number of arguments for 'set' command"));
            assertThat(c.call("HGET", "h")).isEqualTo(err("ERR wrong number of arguments for 'hget' command"));
            assertThat(c.call("ZADD", "z")).isEqualTo(err("ERR wrong number of arguments for 'zadd' command"));
            assertThat(c.call("EXPIRE", "k")).isEqualTo(err("ERR wrong number of arguments for 'expire' command"));
            c.call("SET", "str", "v");
            c.call("HSET", "hash", "f", "v");
            String wrongType = err("WRONGTYPE Operation against a key holding the wrong kind of value");
            assertThat(c.call("HGET", "str", "f")).isEqualTo(wrongType);
            assertThat(c.call("ZADD", "str", "1", "m")).isEqualTo(wrongType);
            assertThat(c.call("GET", "hash")).isEqualTo(wrongType);
            assertThat(c.call("INCR", "hash")).isEqualTo(wrongType);
            assertThat(c.call("LRANGE", "hash", "0", "-1")).isEqualTo(wrongType);
            // the connection still works after errors, and inline commands are understood
            c.sendRaw("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(c.read()).isEqualTo("+PONG\r\n");
        }
    }
    @Nested
    class ServerCommands {
        @Test
        void commandIntrospection() {
            RespConnection c = conn();
            assertThat(decode(c.call("COMMAND", "COUNT"))).isInstanceOf(Long.class);
            @SuppressWarnings("unchecked")
            List<Object> info = (List<Object>) decode(c.call("COMMAND", "INFO", "get"));
            assertThat(info).hasSize(1);
            @SuppressWarnings("unchecked")
            List<Object> get = (List<Object>) info.get(0);
            assertThat(get.subList(0, 2)).containsExactly("get", 2L);
            assertThat(get.subList(3, 6)).containsExactly(1L, 1L, 1L); // first key, last key, step
            assertThat(c.call("COMMAND", "INFO", "nosuch")).isEqualTo(array(nil()));
        }

        @Test
        void clientKillAndInfoKeyspace() {
            RespConnection c = conn();
            RespConnection victim = conn();
            long id = (Long) decode(victim.call("CLIENT", "ID"));
            assertThat(c.call("CLIENT", "KILL", "ID", "999999999")).isEqualTo(integer(0));
            assertThat(c.call("CLIENT", "KILL", "ID", Long.toString(id))).isEqualTo(integer(1));
            assertThat(victim.closedByServer()).isTrue();
            c.call("SET", "a", "1");
            assertThat(decode(c.call("INFO", "keyspace")).toString()).contains("# Keyspace")
                    .contains("db0:keys=1,expires=0,avg_ttl=0");
            assertThat(c.call("ECHO")).isEqualTo(err("ERR wrong number of arguments for 'echo' command"));
            assertThat(c.call("PING", "a", "b")).isEqualTo(err("ERR wrong number of arguments for 'ping' command"));
        }
    }

    @Nested
    class ProtocolErrors {
        private void assertRejected(String input, String error) {
            RespConnection c = conn();
            c.sendRaw(input.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(c.read()).isEqualTo(err(error));
            assertThat(c.closedByServer()).as("connection closed after a protocol error").isTrue();
            assertThat(conn().call("PING")).isEqualTo("+PONG\r\n"); // everybody else is still served
        }

        @Test
        void invalidBulkLength() {
            assertRejected("*1\r\n$abc\r\n", "ERR Protocol error: invalid bulk length");
        }

        @Test
        void hugeBulkLength() {
            assertRejected("*1\r\n$2147483648\r\n", "ERR Protocol error: invalid bulk length");
        }

        @Test
        void invalidMultibulkLength() {
            assertRejected("*x\r\n", "ERR Protocol error: invalid multibulk length");
        }

        @Test
        void unbalancedQuotesInAnInlineCommand() {
            assertRejected("SET \"a b\r\n", "ERR Protocol error: unbalanced quotes in request");
        }
    }
}
