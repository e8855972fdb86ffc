package dev.distlock.samples;

import dev.distlock.Lease;
import dev.distlock.LeaseLostEvent;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.LockLostException;
import dev.distlock.Mutex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The quick-start demo: two "servers" (two lock clients on one store) sell the last units of a
 * product. Without a lock they oversell; with a distributed lock the stock comes out exact. Then
 * it shows a fencing token rejecting a stale write, and a lease that ran out being reported to
 * its holder.
 *
 * <p>Runs on {@code memory://} by default; pass another URI (for example
 * {@code redis://127.0.0.1:6379}) as the first argument to run it on a real store.
 */
public final class QuickStart {
    private static final int STOCK = 100;
    private static final int BUYERS_PER_SERVER = 4;
    private static final int ATTEMPTS_PER_BUYER = 40;

    private QuickStart() {
    }

    /** A stock record with a non-atomic read-modify-write, as a database row read then written. */
    static final class Stock {
        private int units = STOCK;
        private long lastToken;

        int read() {
            return units;
        }

        void write(int value) {
            units = value;
        }

        /** A write that the storage accepts only with a token newer than any it has seen. */
        boolean writeFenced(int value, long token) {
            synchronized (this) {
                if (token <= lastToken) {
                    return false;
                }
                lastToken = token;
                units = value;
                return true;
            }
        }
    }

    /**
     * Runs the demo.
     *
     * @param args optional: the store URI (default {@code memory://quickstart})
     * @throws Exception if the demo fails
     */
    public static void main(String[] args) throws Exception {
        String uri = args.length > 0 ? args[0] : "memory://quickstart";
        LockConfig config = LockConfig.builder().leaseTime(Duration.ofSeconds(5)).build();
        try (LockClient serverA = LockClients.connect(uri, config);
                LockClient serverB = LockClients.connect(uri, config)) {
            System.out.printf("distlock quick start on %s (backend: %s)%n%n", uri, serverA.backend());

            int soldUnlocked = sell(serverA, serverB, false);
            int soldLocked = sell(serverA, serverB, true);
            System.out.printf("1. %d buyers on 2 servers try %d purchases each of %d units in stock:%n",
                    2 * BUYERS_PER_SERVER, ATTEMPTS_PER_BUYER, STOCK);
            System.out.printf("   without a lock: %3d units sold  <- oversold by %d%n", soldUnlocked,
                    soldUnlocked - STOCK);
            System.out.printf("   with distlock:  %3d units sold  <- exact%n%n", soldLocked);

            fencing(serverA, serverB);
            leaseLoss(serverA);
        }
    }

    /** Returns how many units were sold; more than STOCK means oversold. */
    private static int sell(LockClient a, LockClient b, boolean locked) throws Exception {
        Stock stock = new Stock();
        AtomicInteger sold = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2 * BUYERS_PER_SERVER);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> buyers = new ArrayList<>();
        for (LockClient server : List.of(a, b)) {
            Mutex mutex = server.mutex("stock:sku-42");
            for (int i = 0; i < BUYERS_PER_SERVER; i++) {
                buyers.add(pool.submit(() -> {
                    start.await();
                    for (int n = 0; n < ATTEMPTS_PER_BUYER; n++) {
                        if (locked) {
                            mutex.lock();
                        }
                        try {
                            int left = stock.read();
                            if (left > 0) {
                                Thread.yield(); // the gap between a read and a write, as over a network
                                stock.write(left - 1);
                                sold.incrementAndGet();
                            }
                        } finally {
                            if (locked) {
                                mutex.unlock();
                            }
                        }
                    }
                    return null;
                }));
            }
        }
        start.countDown();
        for (Future<?> f : buyers) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return sold.get();
    }

    private static void fencing(LockClient a, LockClient b) throws Exception {
        Stock stock = new Stock();
        Mutex onA = a.mutex("stock:sku-7");
        Mutex onB = b.mutex("stock:sku-7");
        long staleToken;
        try (Lease lease = onA.acquire(Duration.ofSeconds(1))) {
            staleToken = lease.fencingToken();
            stock.writeFenced(99, staleToken);
        }
        long newToken;
        try (Lease lease = onB.acquire(Duration.ofSeconds(1))) {
            newToken = lease.fencingToken();
            stock.writeFenced(98, newToken);
        }
        boolean staleAccepted = stock.writeFenced(97, staleToken);
        System.out.printf("2. fencing tokens: server A held token %d, then server B held token %d.%n", staleToken,
                newToken);
        System.out.printf("   a late write from A with token %d is %s by the storage.%n%n", staleToken,
                staleAccepted ? "ACCEPTED (bug!)" : "rejected");
    }

    private static void leaseLoss(LockClient a) throws Exception {
        Mutex job = a.mutex("job:nightly-report");
        CountDownLatch told = new CountDownLatch(1);
        LeaseLostEvent[] event = new LeaseLostEvent[1];
        Lease lease = job.acquire(Duration.ZERO, Duration.ofMillis(200)).onLost(e -> {
            event[0] = e;
            told.countDown();
        });
        System.out.println("3. a job holds a 200 ms lease and runs too long (a GC pause, a slow query)...");
        boolean reported = told.await(5, TimeUnit.SECONDS);
        System.out.printf("   lease-lost listener called: %s (reason: %s); lease valid: %s%n", reported,
                reported ? event[0].reason() : "-", lease.isValid());
        try {
            lease.close();
            System.out.println("   unlock pretended all was well (bug!)");
        } catch (LockLostException e) {
            System.out.println("   unlock throws LockLostException: " + e.getMessage());
        }
    }
}
