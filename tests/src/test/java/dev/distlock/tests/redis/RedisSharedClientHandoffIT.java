package dev.distlock.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import dev.distlock.embedded.RedisProcess;
import dev.distlock.redis.RedisLockOptions;
import dev.distlock.redis.RedisLocks;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Threads of one client taking turns on one name hand the lock over by the release itself (a
 * local wake-up), never through the pub/sub subscription or a waiter's TTL timer. To make that
 * visible, the client's second connection (its pub/sub connection, opened on the first
 * contention) gets everything it writes held back until the test is over, as on a loaded
 * machine where opening it took seconds; the lease (60 s) is longer than the test's timeout.
 * Every wait for the lock must stay far below both. (Before the fix, waiters that had joined
 * before the subscription was live saw no local release and waited for it.)
 */
class RedisSharedClientHandoffIT {
    private static final Duration LEASE = Duration.ofSeconds(60);
    /** Far below the lease (a timer wake-up) and the test's run (the held-back subscription), far above scheduling noise. */
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
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

    /** Holds back every write of the channel it is added to until {@link #open()}, then sends them in order. */
    private static final class HoldWrites extends ChannelOutboundHandlerAdapter {
        private final List<Object[]> held = new ArrayList<>();
        private final AtomicBoolean opening = new AtomicBoolean();
        private volatile ChannelHandlerContext context;
        private boolean open;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            context = ctx;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (open) {
                ctx.write(msg, promise);
            } else {
                held.add(new Object[] {msg, promise});
            }
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (open) {
                ctx.flush();
            }
        }

        void open() {
            ChannelHandlerContext ctx = context;
            if (ctx == null || opening.getAndSet(true)) {
                return;
            }
            ctx.executor().execute(() -> {
                open = true;
                for (Object[] w : held) {
                    ctx.write(w[0], (ChannelPromise) w[1]);
                }
                held.clear();
                ctx.flush();
            });
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void threadsOfOneClientHandTheLockOverWithoutWaitingForPubSubOrTimers() throws Exception {
        AtomicInteger channels = new AtomicInteger();
        HoldWrites pubSubWrites = new HoldWrites();
        ClientResources resources = ClientResources.builder().nettyCustomizer(new NettyCustomizer() {
            @Override
            public void afterChannelInitialized(Channel channel) {
                if (channels.incrementAndGet() == 2) { // the first is the command connection
                    channel.pipeline().addFirst(pubSubWrites);
                }
            }
        }).build();
        int threads = 4;
        int handoffs = 300;
        String name = "shared-handoff:" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (LockClient client = RedisLocks.connect(redis.uri(),
                // a connect timeout beyond the test, so the held-back pub/sub set-up cannot fail meanwhile
                LockConfig.builder().clientName("shared-handoff").leaseTime(LEASE).connectTimeout(LEASE).build(),
                RedisLockOptions.builder().clientResources(resources).build())) {
            AtomicLong acquisitions = new AtomicLong();
            AtomicInteger inside = new AtomicInteger();
            AtomicLong slowest = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    Mutex m = client.mutex(name);
                    start.await();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
                    while (acquisitions.get() < handoffs && System.nanoTime() < deadline) {
                        long began = System.nanoTime();
                        m.lock();
                        slowest.accumulateAndGet(System.nanoTime() - began, Math::max);
                        assertThat(inside.incrementAndGet()).as("holders at once").isEqualTo(1);
                        long generation = acquisitions.incrementAndGet();
                        inside.decrementAndGet();
                        m.unlock();
                        // Take turns: let another thread have it before asking again (bounded, so
                        // a missed wake-up shows as a slow wait rather than a hang of this loop).
                        long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
                        while (acquisitions.get() == generation && System.nanoTime() < giveUpAt) {
                            LockSupport.parkNanos(20_000);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> w : workers) {
                w.get(45, TimeUnit.SECONDS); // a waiter stuck until the subscription would never finish
            }
            assertThat(channels.get()).as("connections opened (command + pub/sub)").isEqualTo(2);
            pubSubWrites.open();
            // Close only once the pub/sub connection is up, so that closing does not cut its set-up.
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> RedisAdmin.connections(redis, "shared-handoff").size() == 2);
            assertThat(acquisitions.get()).as("acquisitions").isGreaterThanOrEqualTo(handoffs);
            assertThat(TimeUnit.NANOSECONDS.toMillis(slowest.get())).as("slowest lock() in ms")
                    .isLessThan(TimeUnit.NANOSECONDS.toMillis(MAX_WAIT_NANOS));
        } finally {
            pubSubWrites.open(); // let the pub/sub connection come up, so the client closes cleanly
            pool.shutdownNow();
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
