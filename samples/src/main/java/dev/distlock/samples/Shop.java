package dev.distlock.samples;

import dev.distlock.annotation.DistributedLock;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One application instance's view of the stock, kept in the shared {@link Database} under
 * {@code stock:<sku>}. A purchase reads the stock, waits for {@code window} (the time a real
 * service spends between its read and its write: a price check, a payment call, a network hop)
 * and writes the stock minus one. Two purchases whose windows overlap both sell the same unit:
 * that is the oversell a lock prevents.
 *
 * <p>{@link #buy(String)} is the same purchase under {@code @DistributedLock}; it takes the lock
 * only when called through a proxy from {@link dev.distlock.annotation.LockProxies}.
 *
 * <p>Thread-safe as far as the Java object goes (the connection is thread-safe); the stock
 * itself is safe only under a lock.
 */
public class Shop {
    private final RedisCommands<String, String> db;
    private final long windowNanos;
    private final AtomicInteger sales;

    /**
     * Makes an instance's shop.
     *
     * @param db this instance's connection to the database
     * @param window the pause between reading and writing the stock; zero for none
     * @param sales counts every unit sold (shared by the instances of a sale)
     * @throws IllegalArgumentException if {@code db} or {@code sales} is null, or {@code window}
     *         is null or negative
     */
    public Shop(RedisCommands<String, String> db, Duration window, AtomicInteger sales) {
        if (db == null || sales == null) {
            throw new IllegalArgumentException("db and sales must not be null");
        }
        if (window == null || window.isNegative()) {
            throw new IllegalArgumentException("window must not be null or negative, was " + window);
        }
        this.db = db;
        this.windowNanos = window.toNanos();
        this.sales = sales;
    }

    /**
     * Puts {@code units} of {@code sku} in stock.
     *
     * @param sku the product
     * @param units the stock
     */
    public void restock(String sku, int units) {
        db.set(key(sku), Integer.toString(units));
    }

    /**
     * Returns the units of {@code sku} left in the database.
     *
     * @param sku the product
     * @return the stock, 0 if none was ever put
     */
    public int stock(String sku) {
        String v = db.get(key(sku));
        return v == null ? 0 : Integer.parseInt(v);
    }

    /**
     * Buys one unit under the lock {@code stock:<sku>}, waiting up to 60 s for it.
     *
     * @param sku the product
     * @return true if a unit was sold, false if the stock was empty
     * @throws dev.distlock.LockAcquisitionException if the lock was not free within 60 s
     */
    @DistributedLock(key = "'stock:' + #sku", waitTime = "60s")
    public boolean buy(String sku) {
        return buyUnlocked(sku);
    }

    /**
     * Buys one unit with no lock: read, pause, write.
     *
     * @param sku the product
     * @return true if a unit was sold (as far as this caller knows), false if the stock was empty
     */
    public boolean buyUnlocked(String sku) {
        int left = stock(sku);
        if (left <= 0) {
            return false;
        }
        if (windowNanos > 0) {
            // The read-to-write window is the behaviour being demonstrated: without a lock,
            // other buyers read the same stock meanwhile.
            LockSupport.parkNanos(windowNanos);
        }
        db.set(key(sku), Integer.toString(left - 1));
        sales.incrementAndGet();
        return true;
    }

    private static String key(String sku) {
        return "stock:" + sku;
    }
}
