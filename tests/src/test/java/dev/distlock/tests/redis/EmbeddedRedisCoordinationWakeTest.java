package dev.distlock.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distlock.DistributedReadWriteLock;
import dev.distlock.DistributedSemaphore;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.PermitLease;
import dev.distlock.embedded.EmbeddedRedisServer;
import dev.distlock.embedded.EmbeddedStore;
import dev.distlock.embedded.EmbeddedStoreExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Waiters of Redis read-write locks and semaphores are woken by every release, including one
 * by another thread of the same client: many threads of one client contending for one name
 * finish a bounded number of operations far faster than they would if waiters regularly slept
 * out their longest park (1 s) for want of a wake-up.
 */
@ExtendWith(EmbeddedStoreExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.MethodName.class)
class EmbeddedRedisCoordinationWakeTest {
    /** Threads of one client, as in the READ_WRITE_8 benchmark. */
    private static final int THREADS = 8;
    private static final int OPS_PER_THREAD = 25;
    /**
     * Far above what the operations need (a few hundred fast scripts) on a loaded machine, far
     * below what even 10% of the operations each sleeping out a 1 s park would take (20 s).
     */
    private static final long BOUND_MILLIS = 8_000;

    @EmbeddedStore
    static EmbeddedRedisServer server;

    @Test
    void mixedReadersAndWritersOfOneClientAreWokenByEachOthersReleases() throws Exception {
        try (LockClient client = LockClients.connect(server.uri(), LockConfig.defaults())) {
            DistributedReadWriteLock rw = client.readWriteLock("wake:" + UUID.randomUUID());
            AtomicInteger writers = new AtomicInteger();
            AtomicInteger readers = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            long took = run(t -> {
                for (int i = 0; i < OPS_PER_THREAD; i++) {
                    if ((i + t) % 10 == 0) {
                        rw.writeLock().lock();
                        try {
                            if (writers.incrementAndGet() != 1 || readers.get() != 0) {
                                overlaps.incrementAndGet();
                            }
                            writers.decrementAndGet();
                        } finally {
                            rw.writeLock().unlock();
                        }
                    } else {
                        rw.readLock().lock();
                        try {
                            readers.incrementAndGet();
                            if (writers.get() != 0) {
                                overlaps.incrementAndGet();
                            }
                            readers.decrementAndGet();
                        } finally {
                            rw.readLock().unlock();
                        }
                    }
                }
            });
            assertThat(overlaps).as("a writer overlapped another holder").hasValue(0);
            assertThat(took).as("ms for %d mixed operations of %d threads", THREADS * OPS_PER_THREAD, THREADS)
                    .isLessThan(BOUND_MILLIS);
        }
    }

    @Test
    void permitWaitersOfOneClientAreWokenByEachOthersReleases() throws Exception {
        try (LockClient client = LockClients.connect(server.uri(), LockConfig.defaults())) {
            DistributedSemaphore sem = client.semaphore("wake:" + UUID.randomUUID(), 3);
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger over = new AtomicInteger();
            long took = run(t -> {
                for (int i = 0; i < OPS_PER_THREAD; i++) {
                    try (PermitLease lease = sem.acquire(1, Duration.ofSeconds(30))) {
                        if (inside.incrementAndGet() > 3) {
                            over.incrementAndGet();
                        }
                        inside.decrementAndGet();
                    }
                }
            });
            assertThat(over).as("more than 3 permits out").hasValue(0);
            assertThat(took).as("ms for %d acquires of %d threads", THREADS * OPS_PER_THREAD, THREADS)
                    .isLessThan(BOUND_MILLIS);
        }
    }

    interface Body {
        void run(int thread) throws Exception;
    }

    /** Runs the body on every thread at once; returns the milliseconds until all are done. */
    private static long run(Body body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    body.run(thread);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(50, TimeUnit.SECONDS);
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        } finally {
            pool.shutdownNow();
        }
    }
}
