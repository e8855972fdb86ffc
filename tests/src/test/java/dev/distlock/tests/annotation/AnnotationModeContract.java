package dev.distlock.tests.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.LockAcquisitionException;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import dev.distlock.annotation.DistributedLock;
import dev.distlock.annotation.LockMode;
import dev.distlock.annotation.LockProxies;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code @DistributedLock(mode = READ / WRITE)} on a backend with read-write locks, with two
 * clients standing for two application instances. A backend's test class extends it and says
 * where its server is.
 */
@Timeout(120)
abstract class AnnotationModeContract {

    private final List<LockClient> clients = new ArrayList<>();
    private LockClient client;
    private LockClient other;

    /** A reader that waits for a second reader, a writer, and a read-one-write-another method. */
    public static class Store {
        LockClient client;
        final CountDownLatch readers = new CountDownLatch(2);

        @DistributedLock(key = "'doc:' + #id", mode = LockMode.READ, waitTime = "10s")
        public boolean readTogether(String id) throws InterruptedException {
            readers.countDown();
            return readers.await(20, TimeUnit.SECONDS);
        }

        @DistributedLock(key = "'doc:' + #id", mode = LockMode.WRITE, waitTime = "0s")
        public boolean write(String id) {
            return client.readWriteLock("doc:" + id).writeLock().isHeldByCurrentThread();
        }

        @DistributedLock(key = "'doc:' + #to", mode = LockMode.WRITE, waitTime = "0s")
        @DistributedLock(key = "'doc:' + #from", mode = LockMode.READ, waitTime = "0s")
        public boolean copy(String from, String to) {
            return client.readWriteLock("doc:" + from).readLock().isHeldByCurrentThread()
                    && client.readWriteLock("doc:" + to).writeLock().isHeldByCurrentThread();
        }
    }

    /**
     * Returns the URI of the backend's server.
     *
     * @return the URI given to {@code LockClients.connect}
     */
    protected abstract String uri();

    @BeforeEach
    void setUp() {
        client = connect();
        other = connect();
    }

    @AfterEach
    void tearDown() {
        for (LockClient c : clients) {
            c.close();
        }
    }

    private LockClient connect() {
        LockClient c = LockClients.connect(uri(), LockConfig.defaults());
        clients.add(c);
        return c;
    }

    private Store store(LockClient with) {
        Store s = new Store();
        s.client = with;
        return LockProxies.wrap(s, with);
    }

    @Test
    void readersOfTwoInstancesShareTheKeyAndAWriterWaitsForThem() throws Exception {
        Store first = store(client);
        Store second = store(other);
        // both proxies count down the same latch, so each reader returns true only if the other got in too
        Store shared = new Store();
        shared.client = client;
        Store sharedFirst = LockProxies.wrap(shared, client);
        Store sharedSecond = LockProxies.wrap(shared, other);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Boolean> a = pool.submit(() -> sharedFirst.readTogether("1"));
            Future<Boolean> b = pool.submit(() -> sharedSecond.readTogether("1"));
            assertThat(a.get(60, TimeUnit.SECONDS)).isTrue();
            assertThat(b.get(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }

        Mutex read = other.readWriteLock("doc:1").readLock();
        assertThat(read.tryLock()).isTrue();
        assertThatThrownBy(() -> first.write("1")).isInstanceOfSatisfying(LockAcquisitionException.class,
                e -> assertThat(e.lockName()).isEqualTo("doc:1"));
        read.unlock();
        assertThat(first.write("1")).isTrue();
        assertThat(second.write("1")).isTrue();
    }

    @Test
    void readAndWriteOnTwoKeysAreTakenTogetherAndRolledBackWhenTheWriteIsRefused() {
        Store store = store(client);
        assertThat(store.copy("a", "b")).isTrue();

        Mutex write = other.readWriteLock("doc:b").writeLock();
        assertThat(write.tryLock()).isTrue();
        assertThatThrownBy(() -> store.copy("a", "b")).isInstanceOfSatisfying(LockAcquisitionException.class,
                e -> assertThat(e.lockName()).isEqualTo("doc:b"));
        assertThat(other.readWriteLock("doc:a").writeLock().tryLock()).as("the read of 'a' was rolled back").isTrue();
        write.unlock();
    }
}
