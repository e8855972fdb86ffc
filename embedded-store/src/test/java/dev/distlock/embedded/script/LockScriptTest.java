package dev.distlock.embedded.script;

import static dev.distlock.embedded.script.Lua.bytes;
import static dev.distlock.embedded.script.Lua.integer;
import static dev.distlock.embedded.script.Lua.list;
import static dev.distlock.embedded.script.Lua.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distlock.embedded.resp.Reply;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scripts lock libraries run, end to end against a small HashMap-backed command executor. */
class LockScriptTest {
    /** Reentrant hash lock in Redisson's style: KEYS[1] lock, ARGV[1] lease ms, ARGV[2] owner. */
    static final String ACQUIRE = """
            if redis.call('exists', KEYS[1]) == 0 or redis.call('hexists', KEYS[1], ARGV[2]) == 1 then
                redis.call('hincrby', KEYS[1], ARGV[2], 1)
                redis.call('pexpire', KEYS[1], ARGV[1])
                return nil
            end
            return redis.call('pttl', KEYS[1])
            """;
    /** KEYS[1] lock, KEYS[2] channel; ARGV[1] message, ARGV[2] lease ms, ARGV[3] owner. */
    static final String RELEASE = """
            if redis.call('hexists', KEYS[1], ARGV[3]) == 0 then
                return nil
            end
            local left = redis.call('hincrby', KEYS[1], ARGV[3], -1)
            if left > 0 then
                redis.call('pexpire', KEYS[1], ARGV[2])
                return 0
            end
            redis.call('del', KEYS[1])
            redis.call('publish', KEYS[2], ARGV[1])
            return 1
            """;
    /** KEYS[1] lock, KEYS[2] fencing counter; ARGV[1] owner, ARGV[2] lease ms. */
    static final String SET_NX_PX_INCR = """
            if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
                return redis.call('incr', KEYS[2])
            end
            return false
            """;

    private final ScriptEngine engine = new ScriptEngine(Duration.ofSeconds(5));
    private final FakeRedis redis = new FakeRedis();

    private Reply acquire(String owner) {
        return engine.eval(bytes(ACQUIRE), list("lock"), list("30000", owner), redis);
    }

    private Reply release(String owner) {
        return engine.eval(bytes(RELEASE), list("lock", "channel"), list("0", "30000", owner), redis);
    }

    @Test
    void reentrantHashLock() {
        assertThat(acquire("a:1")).isEqualTo(Reply.NULL);
        assertThat(redis.data.get("lock")).isEqualTo(Map.of("a:1", "1"));
        assertThat(redis.expiresAt.get("lock")).isEqualTo(redis.now + 30000);

        redis.now += 1000;
        assertThat(acquire("a:1")).isEqualTo(Reply.NULL);
        assertThat(redis.data.get("lock")).isEqualTo(Map.of("a:1", "2"));

        redis.now += 500;
        assertThat(integer(acquire("b:1"))).isEqualTo(29500);

        assertThat(release("b:1")).isEqualTo(Reply.NULL);
        assertThat(integer(release("a:1"))).isZero();
        assertThat(integer(release("a:1"))).isEqualTo(1);
        assertThat(redis.data).doesNotContainKey("lock");
        assertThat(redis.log).contains("publish");
        assertThat(acquire("b:1")).isEqualTo(Reply.NULL);
    }

    @Test
    void acquireThroughEvalshaAfterScriptLoad() {
        String sha = text(engine.load(bytes(ACQUIRE)));
        assertThat(engine.evalsha(sha, list("lock"), list("30000", "x"), redis)).isEqualTo(Reply.NULL);
        assertThat(integer(engine.evalsha(sha, list("lock"), list("30000", "y"), redis))).isEqualTo(30000);
    }

    @Test
    void setNxPxThenIncrHandsOutIncreasingFencingTokens() {
        Reply first = engine.eval(bytes(SET_NX_PX_INCR), list("lock", "fence"), list("a", "100"), redis);
        assertThat(integer(first)).isEqualTo(1);
        Reply busy = engine.eval(bytes(SET_NX_PX_INCR), list("lock", "fence"), list("b", "100"), redis);
        assertThat(busy).isEqualTo(Reply.NULL);
        redis.now += 100; // the lease ran out
        Reply second = engine.eval(bytes(SET_NX_PX_INCR), list("lock", "fence"), list("b", "100"), redis);
        assertThat(integer(second)).isEqualTo(2);
        assertThat(redis.data.get("lock")).isEqualTo("b");
    }
}
