package dev.distlock.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Lettuce 7, unmodified, over RESP3 and with RESP2 forced. */
class LettuceClientTest {
    static EmbeddedRedisServer server;
    static RedisClient client;

    @BeforeAll
    static void start() {
        server = EmbeddedRedisServer.builder().requirePass("pw").build().start();
        client = RedisClient.create();
    }

    @AfterAll
    static void stop() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        server.close();
    }

    private static RedisURI uri(String db) {
        return RedisURI.create("redis://:pw@127.0.0.1:" + server.port() + "/" + db);
    }

    private static StatefulRedisConnection<String, String> connect(ProtocolVersion protocol, String db) {
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        return client.connect(uri(db));
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void commandsWork(ProtocolVersion protocol) {
        try (StatefulRedisConnection<String, String> conn = connect(protocol, "3")) {
            RedisCommands<String, String> r = conn.sync();
            r.flushdb();
            assertThat(r.ping()).isEqualTo("PONG");
            assertThat(r.set("k", "v", SetArgs.Builder.nx().px(10_000))).isEqualTo("OK");
            assertThat(r.set("k", "w", SetArgs.Builder.nx())).isNull();
            assertThat(r.get("k")).isEqualTo("v");
            assertThat(r.pttl("k")).isBetween(1L, 10_000L);
            assertThat(r.incr("n")).isEqualTo(1L);
            assertThat(r.hincrby("h", "f", 2)).isEqualTo(2L);
            assertThat(r.hgetall("h")).isEqualTo(Map.of("f", "2"));
            assertThat(r.zadd("z", 1.5, "a")).isEqualTo(1L);
            assertThat(r.zscore("z", "a")).isEqualTo(1.5);
            assertThat(r.zrangeWithScores("z", 0, -1)).hasSize(1);
            assertThat(r.rpush("l", "1", "2")).isEqualTo(2L);
            assertThat(r.blpop(1, "l").getValue()).isEqualTo("1");
            assertThat(r.dbsize()).isEqualTo(5L);
            assertThat(r.clientGetname()).isNull();
            assertThat(r.info("server")).contains("redis_version:7.0.15");
            r.multi();
            r.incr("n");
            r.get("n");
            TransactionResult tx = r.exec();
            assertThat(tx.wasDiscarded()).isFalse();
            assertThat(List.of(tx.get(0), tx.get(1))).containsExactly(2L, "2");
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void scriptsWork(ProtocolVersion protocol) {
        try (StatefulRedisConnection<String, String> conn = connect(protocol, "0")) {
            RedisCommands<String, String> r = conn.sync();
            String script = "if redis.call('exists', KEYS[1]) == 0 then redis.call('hincrby', KEYS[1], ARGV[2], 1) "
                    + "redis.call('pexpire', KEYS[1], ARGV[1]) return nil end return redis.call('pttl', KEYS[1])";
            String sha = r.digest(script);
            r.scriptFlush();
            r.del("lock");
            assertThatThrownBy(() -> r.evalsha(sha, ScriptOutputType.INTEGER, new String[] {"lock"}, "30000", "owner"))
                    .isInstanceOf(RedisNoScriptException.class);
            assertThat(r.scriptLoad(script)).isEqualTo(sha);
            Long first = r.evalsha(sha, ScriptOutputType.INTEGER, new String[] {"lock"}, "30000", "owner");
            assertThat(first).isNull();
            Long ttl = r.evalsha(sha, ScriptOutputType.INTEGER, new String[] {"lock"}, "30000", "owner");
            assertThat(ttl).isBetween(1L, 30_000L);
            assertThat(r.hget("lock", "owner")).isEqualTo("1");
            Object two = r.eval("return {KEYS[1], KEYS[2]}", ScriptOutputType.MULTI, "a", "b");
            assertThat(two).isEqualTo(List.of("a", "b"));
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void pubSubWorks(ProtocolVersion protocol) throws Exception {
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub(uri("0"));
             StatefulRedisConnection<String, String> pub = client.connect(uri("0"))) {
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    received.add(channel + "=" + message);
                }

                @Override
                public void message(String pattern, String channel, String message) {
                    received.add(pattern + ":" + channel + "=" + message);
                }
            });
            sub.sync().subscribe("redisson_lock__channel:{x}");
            sub.sync().psubscribe("news.*");
            assertThat(pub.sync().publish("redisson_lock__channel:{x}", "0")).isEqualTo(1L);
            assertThat(pub.sync().publish("news.today", "hi")).isEqualTo(1L);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("redisson_lock__channel:{x}=0");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("news.*:news.today=hi");
            assertThat(pub.sync().pubsubNumsub("redisson_lock__channel:{x}")).containsEntry("redisson_lock__channel:{x}", 1L);
            sub.sync().unsubscribe("redisson_lock__channel:{x}");
            assertThat(pub.sync().publish("redisson_lock__channel:{x}", "1")).isEqualTo(0L);
        }
    }
}
