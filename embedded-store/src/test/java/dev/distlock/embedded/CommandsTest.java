package dev.distlock.embedded;

import static dev.distlock.embedded.RawRedis.bulk;
import static dev.distlock.embedded.RawRedis.bulks;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Command replies, byte for byte, as redis-server 7.0 gives them. */
class CommandsTest {
    static EmbeddedRedisServer server;
    RawRedis r;

    @BeforeAll
    static void start() {
        server = EmbeddedRedisServer.builder().build().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void connect() {
        r = new RawRedis(server);
        assertThat(r.call("FLUSHALL")).isEqualTo("+OK\r\n");
    }

    @AfterEach
    void disconnect() {
        r.close();
    }

    @Nested
    class Generic {
        @Test
        void unknownCommandAndArity() {
            assertThat(r.call("foo", "bar", "baz"))
                    .isEqualTo("-ERR unknown command 'foo', with args beginning with: 'bar' 'baz' \r\n");
            assertThat(r.call("GET")).isEqualTo("-ERR wrong number of arguments for 'get' command\r\n");
            assertThat(r.call("get", "a", "b")).isEqualTo("-ERR wrong number of arguments for 'get' command\r\n");
            assertThat(r.call("CLIENT", "foo")).isEqualTo("-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
            assertThat(r.call("client", "setname")).isEqualTo("-ERR wrong number of arguments for 'client|setname' command\r\n");
        }

        @Test
        void pingEchoSelectTime() {
            assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(r.call("PING", "hi")).isEqualTo(bulk("hi"));
            assertThat(r.call("ping", "a", "b")).isEqualTo("-ERR wrong number of arguments for 'ping' command\r\n");
            assertThat(r.call("ECHO", "x y")).isEqualTo(bulk("x y"));
            assertThat(r.call("SELECT", "16")).isEqualTo("-ERR DB index is out of range\r\n");
            assertThat(r.call("SELECT", "x")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            r.call("SET", "k", "0");
            assertThat(r.call("SELECT", "1")).isEqualTo("+OK\r\n");
            assertThat(r.call("GET", "k")).isEqualTo("$-1\r\n");
            assertThat(r.call("DBSIZE")).isEqualTo(":0\r\n");
            assertThat(r.call("TIME")).startsWith("*2\r\n$10\r\n");
            assertThat(r.call("WAIT", "0", "0")).isEqualTo(":0\r\n");
            assertThat(r.call("WAIT", "1", "10")).isEqualTo(":0\r\n");
        }

        @Test
        void helloMaps() {
            String three = r.call("HELLO", "3");
            assertThat(three).startsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n"
                    + "$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:").endsWith("$4\r\nmode\r\n$10\r\nstandalone\r\n"
                    + "$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n");
            assertThat(r.call("HELLO", "2")).startsWith("*14\r\n");
            assertThat(r.call("HELLO", "4")).isEqualTo("-NOPROTO unsupported protocol version\r\n");
            assertThat(r.call("HELLO", "x")).isEqualTo("-ERR Protocol version is not an integer or out of range\r\n");
            assertThat(r.call("HELLO", "3", "FOO")).isEqualTo("-ERR Syntax error in HELLO option 'FOO'\r\n");
            assertThat(r.call("HELLO", "3", "SETNAME", "lib")).startsWith("%7\r\n");
            assertThat(r.call("CLIENT", "GETNAME")).isEqualTo(bulk("lib"));
        }

        @Test
        void clientCommands() {
            assertThat(r.call("CLIENT", "SETNAME", "a b"))
                    .isEqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
            assertThat(r.call("CLIENT", "SETINFO", "lib-name", "lettuce")).isEqualTo("+OK\r\n");
            assertThat(r.call("CLIENT", "SETINFO", "lib-ver", "7.7")).isEqualTo("+OK\r\n");
            assertThat(r.call("CLIENT", "MAINT_NOTIFICATIONS", "on", "moving-endpoint-type", "none")).isEqualTo("+OK\r\n");
            String id = r.call("CLIENT", "ID");
            assertThat(id).matches(":\\d+\r\n");
            assertThat(r.call("CLIENT", "LIST")).contains("id=" + id.substring(1, id.length() - 2) + " ")
                    .contains("lib-name=lettuce lib-ver=7.7").contains("cmd=client|list");
            assertThat(r.call("CLIENT", "KILL", "1.2.3.4:5")).isEqualTo("-ERR No such client\r\n");
            assertThat(r.call("CLIENT", "KILL", "ID", "999999")).isEqualTo(":0\r\n");
            try (RawRedis other = new RawRedis(server)) {
                String otherId = other.call("CLIENT", "ID");
                assertThat(r.call("CLIENT", "KILL", "ID", otherId.substring(1, otherId.length() - 2))).isEqualTo(":1\r\n");
                assertThat(other.closedByServer()).isTrue();
            }
        }

        @Test
        void infoAndCommand() {
            assertThat(r.call("INFO")).contains("redis_version:7.0.15").contains("# Replication\r\nrole:master")
                    .contains("connected_clients:");
            r.call("SET", "a", "1");
            assertThat(r.call("INFO", "keyspace")).contains("db0:keys=1,expires=0");
            assertThat(r.call("INFO", "nosuch")).isEqualTo("$0\r\n\r\n");
            assertThat(r.call("COMMAND", "COUNT")).matches(":\\d+\r\n");
            assertThat(r.call("COMMAND", "INFO", "get")).startsWith("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n");
            assertThat(r.call("CONFIG", "GET", "maxmemory")).isEqualTo(bulks("maxmemory", "0"));
        }
    }

    @Nested
    class Strings {
        @Test
        void setAndGet() {
            assertThat(r.call("SET", "k", "v")).isEqualTo("+OK\r\n");
            assertThat(r.call("GET", "k")).isEqualTo(bulk("v"));
            assertThat(r.call("GET", "missing")).isEqualTo("$-1\r\n");
            assertThat(r.call("SET", "k", "w", "NX")).isEqualTo("$-1\r\n");
            assertThat(r.call("SET", "k", "w", "XX", "GET")).isEqualTo(bulk("v"));
            assertThat(r.call("SET", "n", "w", "XX")).isEqualTo("$-1\r\n");
            assertThat(r.call("SET", "k", "v", "nx", "xx")).isEqualTo("-ERR syntax error\r\n");
            assertThat(r.call("SET", "k", "v", "ex", "10", "px", "10")).isEqualTo("-ERR syntax error\r\n");
            assertThat(r.call("SET", "k", "v", "keepttl", "ex", "10")).isEqualTo("-ERR syntax error\r\n");
            assertThat(r.call("SET", "k", "v", "ex", "0")).isEqualTo("-ERR invalid expire time in 'set' command\r\n");
            assertThat(r.call("SET", "k", "v", "ex", "abc")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            assertThat(r.call("SET", "k", "v", "EX", "100")).isEqualTo("+OK\r\n");
            assertThat(r.call("TTL", "k")).isEqualTo(":100\r\n");
            assertThat(r.call("SET", "k", "v2", "KEEPTTL")).isEqualTo("+OK\r\n");
            assertThat(r.call("TTL", "k")).isEqualTo(":100\r\n");
            assertThat(r.call("SET", "k", "v3")).isEqualTo("+OK\r\n");
            assertThat(r.call("TTL", "k")).isEqualTo(":-1\r\n");
            assertThat(r.call("SETNX", "k", "x")).isEqualTo(":0\r\n");
            assertThat(r.call("SETNX", "k2", "x")).isEqualTo(":1\r\n");
            assertThat(r.call("GETDEL", "k2")).isEqualTo(bulk("x"));
            assertThat(r.call("GETDEL", "k2")).isEqualTo("$-1\r\n");
        }

        @Test
        void absoluteExpiry() {
            long at = System.currentTimeMillis() + 50_000;
            assertThat(r.call("SET", "k", "v", "PXAT", Long.toString(at))).isEqualTo("+OK\r\n");
            assertThat(r.call("PEXPIRETIME", "k")).isEqualTo(":" + at + "\r\n");
            assertThat(r.call("SET", "k", "v", "EXAT", Long.toString(at / 1000))).isEqualTo("+OK\r\n");
            assertThat(r.call("EXPIRETIME", "k")).isEqualTo(":" + at / 1000 + "\r\n");
        }

        @Test
        void msetMgetAndCounters() {
            assertThat(r.call("MSET", "a", "1", "b", "2")).isEqualTo("+OK\r\n");
            assertThat(r.call("MSET", "a", "1", "b")).isEqualTo("-ERR wrong number of arguments for 'mset' command\r\n");
            r.call("HSET", "h", "f", "v");
            assertThat(r.call("MGET", "a", "x", "b", "h")).isEqualTo("*4\r\n" + bulk("1") + "$-1\r\n" + bulk("2") + "$-1\r\n");
            assertThat(r.call("INCR", "a")).isEqualTo(":2\r\n");
            assertThat(r.call("INCRBY", "a", "-5")).isEqualTo(":-3\r\n");
            assertThat(r.call("DECR", "a")).isEqualTo(":-4\r\n");
            assertThat(r.call("DECRBY", "a", "6")).isEqualTo(":-10\r\n");
            assertThat(r.call("INCR", "new")).isEqualTo(":1\r\n");
            assertThat(r.call("INCRBY", "a", "1.5")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            r.call("SET", "s", "abc");
            assertThat(r.call("INCR", "s")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            assertThat(r.call("INCR", "h")).isEqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
            r.call("SET", "max", Long.toString(Long.MAX_VALUE));
            assertThat(r.call("INCR", "max")).isEqualTo("-ERR increment or decrement would overflow\r\n");
            assertThat(r.call("DECRBY", "a", "-9223372036854775808")).isEqualTo("-ERR decrement would overflow\r\n");
            assertThat(r.call("INCRBY", "a", "01")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            assertThat(r.call("GET", "h")).isEqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        }
    }

    @Nested
    class Keys {
        @Test
        void delExistsTypeTtl() {
            r.call("SET", "a", "1");
            r.call("LPUSH", "l", "x");
            assertThat(r.call("EXISTS", "a", "a", "nope")).isEqualTo(":2\r\n");
            assertThat(r.call("TYPE", "a")).isEqualTo("+string\r\n");
            assertThat(r.call("TYPE", "l")).isEqualTo("+list\r\n");
            assertThat(r.call("TYPE", "nope")).isEqualTo("+none\r\n");
            assertThat(r.call("TTL", "nope")).isEqualTo(":-2\r\n");
            assertThat(r.call("PTTL", "a")).isEqualTo(":-1\r\n");
            assertThat(r.call("EXPIRE", "a", "100")).isEqualTo(":1\r\n");
            assertThat(r.call("EXPIRE", "a", "50", "GT")).isEqualTo(":0\r\n");
            assertThat(r.call("EXPIRE", "a", "50", "LT")).isEqualTo(":1\r\n");
            assertThat(r.call("EXPIRE", "a", "10", "NX")).isEqualTo(":0\r\n");
            assertThat(r.call("EXPIRE", "l", "10", "XX")).isEqualTo(":0\r\n");
            assertThat(r.call("EXPIRE", "a", "10", "nx", "xx"))
                    .isEqualTo("-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
            assertThat(r.call("EXPIRE", "a", "10", "gt", "lt"))
                    .isEqualTo("-ERR GT and LT options at the same time are not compatible\r\n");
            assertThat(r.call("EXPIRE", "a", "abc")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            assertThat(r.call("PEXPIRE", "a", "20000")).isEqualTo(":1\r\n");
            assertThat(r.call("TTL", "a")).isEqualTo(":20\r\n");
            assertThat(r.call("PERSIST", "a")).isEqualTo(":1\r\n");
            assertThat(r.call("PERSIST", "a")).isEqualTo(":0\r\n");
            assertThat(r.call("PEXPIREAT", "a", Long.toString(System.currentTimeMillis() + 100_000))).isEqualTo(":1\r\n");
            assertThat(r.call("EXPIREAT", "a", "1")).isEqualTo(":1\r\n");
            assertThat(r.call("EXISTS", "a")).isEqualTo(":0\r\n");
            assertThat(r.call("EXPIRE", "nope", "10")).isEqualTo(":0\r\n");
            assertThat(r.call("DEL", "a", "l", "nope")).isEqualTo(":1\r\n");
            assertThat(r.call("UNLINK", "l")).isEqualTo(":0\r\n");
        }

        @Test
        void keysAndScanSeeEveryKey() {
            java.util.Set<String> expected = new java.util.HashSet<>();
            for (int i = 0; i < 300; i++) {
                r.call("SET", "key:" + i, "v");
                expected.add("key:" + i);
            }
            r.call("SET", "other", "v");
            assertThat(r.call("KEYS", "other")).isEqualTo(bulks("other"));
            assertThat(r.call("KEYS", "key:1?")).startsWith("*10\r\n");
            java.util.Set<String> seen = new java.util.HashSet<>();
            String cursor = "0";
            int rounds = 0;
            do {
                String reply = r.call("SCAN", cursor, "MATCH", "key:*", "COUNT", "20");
                String[] lines = reply.split("\r\n");
                cursor = lines[2];
                for (int i = 5; i < lines.length; i += 2) {
                    seen.add(lines[i]);
                }
                if (rounds++ == 3) {
                    for (int i = 300; i < 600; i++) {
                        r.call("SET", "grow:" + i, "v"); // a resize in the middle of the scan
                    }
                }
            } while (!cursor.equals("0") && rounds < 10_000);
            assertThat(seen).containsAll(expected);
            assertThat(r.call("SCAN", "x")).isEqualTo("-ERR invalid cursor\r\n");
            assertThat(r.call("SCAN", "0", "COUNT", "0")).isEqualTo("-ERR syntax error\r\n");
        }
    }

    @Nested
    class Hashes {
        @Test
        void hashCommands() {
            assertThat(r.call("HSET", "h", "a", "1", "b", "2")).isEqualTo(":2\r\n");
            assertThat(r.call("HSET", "h", "a", "3")).isEqualTo(":0\r\n");
            assertThat(r.call("HSET", "h", "a")).isEqualTo("-ERR wrong number of arguments for 'hset' command\r\n");
            assertThat(r.call("HSET", "h", "a", "1", "b")).isEqualTo("-ERR wrong number of arguments for 'hset' command\r\n");
            assertThat(r.call("HGET", "h", "a")).isEqualTo(bulk("3"));
            assertThat(r.call("HGET", "h", "x")).isEqualTo("$-1\r\n");
            assertThat(r.call("HEXISTS", "h", "b")).isEqualTo(":1\r\n");
            assertThat(r.call("HLEN", "h")).isEqualTo(":2\r\n");
            assertThat(r.call("HKEYS", "h")).isEqualTo(bulks("a", "b"));
            assertThat(r.call("HGETALL", "h")).isEqualTo(bulks("a", "3", "b", "2"));
            assertThat(r.call("HINCRBY", "h", "a", "5")).isEqualTo(":8\r\n");
            assertThat(r.call("HINCRBY", "h", "n", "-1")).isEqualTo(":-1\r\n");
            assertThat(r.call("HINCRBY", "h", "a", "x")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            r.call("HSET", "h", "s", "abc");
            assertThat(r.call("HINCRBY", "h", "s", "1")).isEqualTo("-ERR hash value is not an integer\r\n");
            assertThat(r.call("HDEL", "h", "a", "b", "x")).isEqualTo(":2\r\n");
            assertThat(r.call("HDEL", "h", "n", "s")).isEqualTo(":2\r\n");
            assertThat(r.call("EXISTS", "h")).isEqualTo(":0\r\n");
            assertThat(r.call("HGETALL", "h")).isEqualTo("*0\r\n");
            r.call("HELLO", "3");
            r.call("HSET", "h", "f", "v");
            assertThat(r.call("HGETALL", "h")).isEqualTo("%1\r\n" + bulk("f") + bulk("v"));
            assertThat(r.call("HGETALL", "nope")).isEqualTo("%0\r\n");
        }
    }

    @Nested
    class Lists {
        @Test
        void pushPopRange() {
            assertThat(r.call("LPUSH", "l", "a", "b")).isEqualTo(":2\r\n");
            assertThat(r.call("RPUSH", "l", "c")).isEqualTo(":3\r\n");
            assertThat(r.call("LRANGE", "l", "0", "-1")).isEqualTo(bulks("b", "a", "c"));
            assertThat(r.call("LRANGE", "l", "-2", "100")).isEqualTo(bulks("a", "c"));
            assertThat(r.call("LRANGE", "l", "5", "10")).isEqualTo("*0\r\n");
            assertThat(r.call("LRANGE", "l", "a", "b")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            assertThat(r.call("LLEN", "l")).isEqualTo(":3\r\n");
            assertThat(r.call("LPOP", "l")).isEqualTo(bulk("b"));
            assertThat(r.call("RPOP", "l")).isEqualTo(bulk("c"));
            assertThat(r.call("RPOP", "l", "5")).isEqualTo(bulks("a"));
            assertThat(r.call("EXISTS", "l")).isEqualTo(":0\r\n");
            assertThat(r.call("LPOP", "l")).isEqualTo("$-1\r\n");
            assertThat(r.call("LPOP", "l", "2")).isEqualTo("*-1\r\n");
            r.call("SET", "s", "x");
            assertThat(r.call("LPUSH", "s", "x")).isEqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        }

        @Test
        void blockingPopIsServedByAPushFromAnotherClient() {
            r.send("BLPOP", "q1", "q2", "0");
            assertThat(r.silentFor(100)).isTrue();
            try (RawRedis other = new RawRedis(server)) {
                assertThat(other.call("RPUSH", "q2", "x", "y")).isEqualTo(":2\r\n");
            }
            assertThat(r.read()).isEqualTo(bulks("q2", "x"));
            assertThat(r.call("LRANGE", "q2", "0", "-1")).isEqualTo(bulks("y"));
            assertThat(r.call("BRPOP", "q2", "1")).isEqualTo(bulks("q2", "y"));
        }

        @Test
        void blockingPopTimesOutWithNull() {
            long start = System.nanoTime();
            assertThat(r.call("BRPOP", "q", "0.2")).isEqualTo("*-1\r\n");
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(190_000_000L);
            r.call("HELLO", "3");
            assertThat(r.call("BLPOP", "q", "0.05")).isEqualTo("_\r\n");
            assertThat(r.call("BLPOP", "q", "x")).isEqualTo("-ERR timeout is not a float or out of range\r\n");
            assertThat(r.call("BLPOP", "q", "-1")).isEqualTo("-ERR timeout is negative\r\n");
        }

        @Test
        void blockedClientsAreServedInArrivalOrderAndKeepTheirPipeline() {
            try (RawRedis first = new RawRedis(server); RawRedis second = new RawRedis(server)) {
                first.send("BLPOP", "q", "0");
                first.send("PING");
                assertThat(first.silentFor(50)).isTrue();
                second.send("BLPOP", "q", "0");
                assertThat(second.silentFor(50)).isTrue();
                assertThat(r.call("RPUSH", "q", "1")).isEqualTo(":1\r\n");
                assertThat(first.read()).isEqualTo(bulks("q", "1"));
                assertThat(first.read()).isEqualTo("+PONG\r\n");
                assertThat(r.call("RPUSH", "q", "2")).isEqualTo(":1\r\n");
                assertThat(second.read()).isEqualTo(bulks("q", "2"));
            }
        }
    }

    @Nested
    class SortedSets {
        @Test
        void zsetCommands() {
            assertThat(r.call("ZADD", "z", "1", "a", "2.5", "b", "2.5", "c")).isEqualTo(":3\r\n");
            assertThat(r.call("ZADD", "z", "x", "a")).isEqualTo("-ERR value is not a valid float\r\n");
            assertThat(r.call("ZADD", "z", "nx", "xx", "1", "a"))
                    .isEqualTo("-ERR XX and NX options at the same time are not compatible\r\n");
            assertThat(r.call("ZADD", "z", "gt", "lt", "1", "a"))
                    .isEqualTo("-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
            assertThat(r.call("ZADD", "z", "1")).isEqualTo("-ERR wrong number of arguments for 'zadd' command\r\n");
            assertThat(r.call("ZADD", "z", "CH", "3", "a", "4", "d")).isEqualTo(":2\r\n");
            assertThat(r.call("ZADD", "z", "INCR", "1", "a")).isEqualTo(bulk("4"));
            assertThat(r.call("ZSCORE", "z", "b")).isEqualTo(bulk("2.5"));
            assertThat(r.call("ZSCORE", "z", "nope")).isEqualTo("$-1\r\n");
            assertThat(r.call("ZCARD", "z")).isEqualTo(":4\r\n");
            assertThat(r.call("ZRANK", "z", "c")).isEqualTo(":1\r\n");
            assertThat(r.call("ZRANK", "z", "nope")).isEqualTo("$-1\r\n");
            assertThat(r.call("ZRANGE", "z", "0", "-1")).isEqualTo(bulks("b", "c", "a", "d"));
            assertThat(r.call("ZRANGE", "z", "0", "1", "WITHSCORES")).isEqualTo(bulks("b", "2.5", "c", "2.5"));
            assertThat(r.call("ZRANGE", "z", "(2.5", "+inf", "BYSCORE")).isEqualTo(bulks("a", "d"));
            assertThat(r.call("ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2")).isEqualTo(bulks("a", "c"));
            assertThat(r.call("ZRANGEBYSCORE", "z", "-inf", "2.5", "WITHSCORES")).isEqualTo(bulks("b", "2.5", "c", "2.5"));
            assertThat(r.call("ZRANGEBYSCORE", "z", "a", "b")).isEqualTo("-ERR min or max is not a float\r\n");
            assertThat(r.call("ZREMRANGEBYSCORE", "z", "-inf", "(3")).isEqualTo(":2\r\n");
            assertThat(r.call("ZREM", "z", "a", "nope")).isEqualTo(":1\r\n");
            assertThat(r.call("ZREM", "z", "d")).isEqualTo(":1\r\n");
            assertThat(r.call("EXISTS", "z")).isEqualTo(":0\r\n");
            r.call("ZADD", "z", "0.1", "x", "1e20", "y");
            assertThat(r.call("ZRANGE", "z", "0", "-1", "WITHSCORES"))
                    .isEqualTo(bulks("x", "0.10000000000000001", "y", "1e+20"));
            r.call("HELLO", "3");
            assertThat(r.call("ZSCORE", "z", "x")).isEqualTo(",0.10000000000000001\r\n");
            assertThat(r.call("ZRANGE", "z", "0", "0", "WITHSCORES")).isEqualTo("*1\r\n*2\r\n" + bulk("x") + ",0.10000000000000001\r\n");
        }
    }
}
