package dev.distlock.annotation;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Clients on a fresh {@code memory://} store per test, closed by {@link #close()}. */
final class TestClients implements AutoCloseable {
    private static final AtomicInteger STORES = new AtomicInteger();

    final String store = "annotation-" + STORES.incrementAndGet() + "-" + System.nanoTime();
    private final List<LockClient> clients = new ArrayList<>();

    /** A client on this test's store with the default config. */
    LockClient client() {
        return client(LockConfig.defaults());
    }

    /** A client on this test's store with a short watchdog lease (losses are noticed fast). */
    LockClient shortLeaseClient() {
        return client(LockConfig.builder().leaseTime(Duration.ofMillis(300)).build());
    }

    LockClient client(LockConfig config) {
        LockClient c = LockClients.connect("memory://" + store, config);
        clients.add(c);
        return c;
    }

    @Override
    public void close() {
        for (LockClient c : clients) {
            c.close();
        }
    }
}
