package dev.distlock.tests.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.distlock.embedded.RedisProcess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The fault tests on a real redis-server: a stall is SIGSTOP/SIGCONT, dropped connections are
 * {@code CLIENT KILL}, a restart without data is a stop and start with the files deleted.
 */
class RedisServerFaultIT extends RedisFaultContract {
    private static RedisProcess redis;

    @BeforeAll
    static void startRedis() {
        assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed (apt-get install redis-server)");
        redis = RedisProcess.startDefault();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void resumeIfPaused() {
        if (redis.isPaused()) {
            redis.resume();
        }
    }

    @Override
    protected String uri() {
        return redis.uri();
    }

    @Override
    protected void stall(Duration duration) {
        redis.pause();
        CompletableFuture.delayedExecutor(duration.toMillis(), TimeUnit.MILLISECONDS).execute(redis::resume);
    }

    @Override
    protected void dropConnections() {
        redis.call("CLIENT", "KILL", "TYPE", "normal");
        redis.call("CLIENT", "KILL", "TYPE", "pubsub");
    }

    @Override
    protected void restartEmpty() {
        redis.restart(false);
    }

    @Override
    protected Object call(String... args) {
        return redis.call(args);
    }
}
