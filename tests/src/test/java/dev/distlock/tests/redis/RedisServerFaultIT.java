package dev.distlock.tests.redis;

import dev.distlock.embedded.EmbeddedStore;
import dev.distlock.embedded.EmbeddedStoreExtension;
import dev.distlock.embedded.RedisProcess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fault tests on a real redis-server: a stall is SIGSTOP/SIGCONT, dropped connections are
 * {@code CLIENT KILL}, a restart without data is a stop and start with the files deleted.
 */
@ExtendWith(EmbeddedStoreExtension.class)
class RedisServerFaultIT extends RedisFaultContract {
    @EmbeddedStore
    static RedisProcess redis;

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
