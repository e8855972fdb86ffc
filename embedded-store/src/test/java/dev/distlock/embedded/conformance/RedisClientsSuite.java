package dev.distlock.embedded.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StatefulRedisConnectionImpl;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Unmodified client libraries against a target: Lettuce over RESP3 (its default, negotiated
 * with HELLO) and with RESP2 forced, and Redisson's lock (tryLock, unlock, a second client
 * waiting for the holder). Subclassed per target like {@link RedisConformanceSuite}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RedisClientsSuite {
    /**
     * Starts a target on a free port.
     *
     * @param password the {@code requirepass} password, or null for none
     * @return the started target
     */
    protected abstract RedisConformanceSuite.Target start(String password);

    private RedisConformanceSuite.Target target;

    @BeforeAll
    void startTarget() {
        target = start(null);
    }

    @AfterAll
    void stopTarget() {
        if (target != null) {
            target.close();
        }
    }

    @BeforeEach
    void flush() {
        try (RespConnection c = new RespConnection(target.port())) {
            assertThat(c.call("FLUSHALL")).isEqualTo("+OK\r\n");
        }
    }

    private RedisClient lettuce(ProtocolVersion protocol) {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(target.port())
                .withTimeout(Duration.ofSeconds(5)).build());
        ClientOptions.Builder options = ClientOptions.builder();
        if (protocol != null) {
            options.protocolVersion(protocol);
        }
        client.setOptions(options.build());
        return client;
    }

    @Test
    void lettuceNegotiatesResp3ByDefault() {
        exerciseLettuce(null, ProtocolVersion.RESP3);
    }

    @Test
    void lettuceWithResp2Forced() {
        exerciseLettuce(ProtocolVersion.RESP2, ProtocolVersion.RESP2);
    }

    private void exerciseLettuce(ProtocolVersion forced, ProtocolVersion expected) {
        RedisClient client = lettuce(forced);
        try (StatefulRedisConnection<String, String> conn = client.connect();
             StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub()) {
            assertThat(((StatefulRedisConnectionImpl<?, ?>) conn).getConnectionState().getNegotiatedProtocolVersion())
                    .isEqualTo(expected);
            RedisCommands<String, String> r = conn.sync();
            assertThat(r.ping()).isEqualTo("PONG");
            assertThat(r.set("k", "v", SetArgs.Builder.nx().px(10_000))).isEqualTo("OK");
            assertThat(r.set("k", "w", SetArgs.Builder.nx())).isNull();
            assertThat(r.get("k")).isEqualTo("v");
            assertThat(r.pttl("k")).isBetween(1L, 10_000L);
            assertThat(r.incr("n")).isEqualTo(1L);
            assertThat(r.hset("h", Map.of("a", "1", "b", "2"))).isEqualTo(2L);
            assertThat(r.hgetall("h")).isEqualTo(Map.of("a", "1", "b", "2"));
            assertThat(r.hincrby("h", "a", 4)).isEqualTo(5L);
            assertThat(r.rpush("l", "x", "y")).isEqualTo(2L);
            assertThat(r.lrange("l", 0, -1)).containsExactly("x", "y");
            assertThat(r.zadd("z", 1.5, "m")).isEqualTo(1L);
            assertThat(r.zscore("z", "m")).isEqualTo(1.5);
            assertThat(r.zrangeWithScores("z", 0, -1)).containsExactly(ScoredValue.just(1.5, "m"));
            KeyValue<String, String> none = r.blpop(0.1, "empty");
            assertThat(none).isNull();

            String script = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
            Long after = r.eval(script, ScriptOutputType.INTEGER, new String[] {"c"}, "5");
            assertThat(after).isEqualTo(5L);
            String sha = r.scriptLoad(script);
            assertThat(r.<Long>evalsha(sha, ScriptOutputType.INTEGER, new String[] {"c"}, "2")).isEqualTo(7L);
            assertThatThrownBy(() -> r.evalsha("0000000000000000000000000000000000000000", ScriptOutputType.INTEGER))
                    .isInstanceOf(RedisNoScriptException.class);
            assertThat(r.<List<Object>>eval("return {1, 'two'}", ScriptOutputType.MULTI)).containsExactly(1L, "two");

            assertThat(r.multi()).isEqualTo("OK");
            r.set("t", "1");
            r.incr("t");
            TransactionResult tx = r.exec();
            assertThat(tx.wasDiscarded()).isFalse();
            assertThat(tx.<Object>get(0)).isEqualTo("OK");
            assertThat(tx.<Object>get(1)).isEqualTo(2L);

            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    received.add(channel + ":" + message);
                }

                @Override
                public void message(String pattern, String channel, String message) {
                    received.add(pattern + "|" + channel + ":" + message);
                }
            });
            sub.sync().subscribe("news");
            sub.sync().psubscribe("n*");
            assertThat(r.publish("news", "hello")).isEqualTo(2L);
            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
            assertThat(received).containsExactlyInAnyOrder("news:hello", "n*|news:hello");
            assertThat(r.pubsubNumsub("news")).containsEntry("news", 1L);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void lettuceAuthenticatesWithHelloAndWithAuth() {
        RedisConformanceSuite.Target secured = start(RedisConformanceSuite.PASSWORD);
        try {
            for (ProtocolVersion p : new ProtocolVersion[] {ProtocolVersion.RESP3, ProtocolVersion.RESP2}) {
                RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(secured.port())
                        .withPassword(RedisConformanceSuite.PASSWORD.toCharArray()).withTimeout(Duration.ofSeconds(5)).build());
                client.setOptions(ClientOptions.builder().protocolVersion(p).build());
                try (StatefulRedisConnection<String, String> conn = client.connect()) {
                    assertThat(conn.sync().set("secured", "yes")).isEqualTo("OK");
                } finally {
                    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                }
            }
        } finally {
            secured.close();
        }
    }

    private RedissonClient redisson() {
        Config config = new Config();
        config.setThreads(2);
        config.setNettyThreads(4);
        config.useSingleServer().setAddress("redis://127.0.0.1:" + target.port())
                .setConnectionMinimumIdleSize(1).setConnectionPoolSize(4)
                .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(2);
        return Redisson.create(config);
    }

    @Test
    void redissonLockHandsOverToAWaitingClient() throws Exception {
        RedissonClient holder = redisson();
        RedissonClient other = redisson();
        ExecutorService otherThread = Executors.newSingleThreadExecutor();
        try {
            RLock lock = holder.getLock("orders:42");
            assertThat(lock.tryLock(1, 30, TimeUnit.SECONDS)).isTrue();
            assertThat(lock.isLocked()).isTrue();
            assertThat(lock.isHeldByCurrentThread()).isTrue();
            assertThat(lock.tryLock(0, 30, TimeUnit.SECONDS)).isTrue(); // reentrant
            assertThat(lock.getHoldCount()).isEqualTo(2);
            lock.unlock();

            RLock theirs = other.getLock("orders:42");
            assertThat(otherThread.submit(() -> theirs.tryLock(0, 30, TimeUnit.SECONDS)).get(10, TimeUnit.SECONDS)).isFalse();
            assertThatThrownBy(() -> otherThread.submit(theirs::unlock).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IllegalMonitorStateException.class);

            Future<Boolean> waiting = otherThread.submit(() -> theirs.tryLock(20, 30, TimeUnit.SECONDS));
            // the waiter has subscribed to the lock's channel: it waits for the unlock message
            try (RespConnection raw = new RespConnection(target.port())) {
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        raw.call("PUBSUB", "NUMSUB", "redisson_lock__channel:{orders:42}").endsWith(":1\r\n"));
            }
            assertThat(waiting.isDone()).isFalse();
            long t0 = System.nanoTime();
            lock.unlock();
            assertThat(waiting.get(10, TimeUnit.SECONDS)).isTrue();
            // woken by the unlock message, not by polling the lease (30 s) — well under a second
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            assertThat(lock.isHeldByCurrentThread()).isFalse();
            assertThat(lock.isLocked()).isTrue();
            otherThread.submit(theirs::unlock).get(10, TimeUnit.SECONDS);
            assertThat(lock.isLocked()).isFalse();
        } finally {
            otherThread.shutdownNow();
            holder.shutdown(0, 2, TimeUnit.SECONDS);
            other.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
