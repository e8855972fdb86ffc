package dev.distlock.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.LockAcquisitionException;
import dev.distlock.LockClient;
import dev.distlock.Mutex;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link DistributedLock#mode()}: READ and WRITE take the sides of the key's read-write lock. */
@Timeout(60)
class LockModeTest {
    private TestClients clients;
    private LockClient client;
    private LockClient other;

    /** Readers, writers and a mutex user of the same keys. */
    public static class Catalog {
        LockClient client;
        volatile CountDownLatch readers = new CountDownLatch(2);

        /** Returns whether a second reader came in while this one was inside. */
        @DistributedLock(key = "'item:' + #id", mode = LockMode.READ, waitTime = "5s")
        public boolean readTogether(String id) throws InterruptedException {
            readers.countDown();
            return readers.await(10, TimeUnit.SECONDS);
        }

        @DistributedLock(key = "'item:' + #id", mode = LockMode.READ, waitTime = "0s")
        public boolean read(String id) {
            return client.readWriteLock("item:" + id).readLock().isHeldByCurrentThread();
        }

        @DistributedLock(key = "'item:' + #id", mode = LockMode.WRITE, waitTime = "0s")
        public boolean write(String id) {
            return client.readWriteLock("item:" + id).writeLock().isHeldByCurrentThread();
        }

        @DistributedLock(key = "'item:' + #id", mode = LockMode.WRITE, waitTime = "0s", onFailure = OnFailure.SKIP)
        public String writeOrSkip(String id) {
            return "wrote";
        }

        @DistributedLock(key = "'item:' + #id", waitTime = "0s")
        public boolean exclusive(String id) {
            return client.mutex("item:" + id).isHeldByCurrentThread();
        }

        /** Reads one key and writes another; declared write-second, taken in name order. */
        @DistributedLock(key = "'item:' + #to", mode = LockMode.WRITE, waitTime = "0s")
        @DistributedLock(key = "'item:' + #from", mode = LockMode.READ, waitTime = "0s")
        public boolean copy(String from, String to) {
            return client.readWriteLock("item:" + from).readLock().isHeldByCurrentThread()
                    && client.readWriteLock("item:" + to).writeLock().isHeldByCurrentThread();
        }

        /** READ and WRITE on one key: must be taken write first (a downgrade), not read first (an upgrade). */
        @DistributedLock(key = "'item:' + #id", mode = LockMode.READ, waitTime = "0s")
        @DistributedLock(key = "'item:' + #id", mode = LockMode.WRITE, waitTime = "0s")
        public boolean readAndWrite(String id) {
            return client.readWriteLock("item:" + id).readLock().isHeldByCurrentThread()
                    && client.readWriteLock("item:" + id).writeLock().isHeldByCurrentThread();
        }
    }

    @BeforeEach
    void setUp() {
        clients = new TestClients();
        client = clients.client();
        other = clients.client();
    }

    @AfterEach
    void tearDown() {
        clients.close();
    }

    private Catalog catalog() {
        Catalog c = new Catalog();
        c.client = client;
        return LockProxies.wrap(c, client);
    }

    @Test
    void twoReadersRunTheMethodAtOnce() throws Exception {
        Catalog catalog = catalog();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Boolean> a = pool.submit(() -> catalog.readTogether("1"));
            Future<Boolean> b = pool.submit(() -> catalog.readTogether("1"));
            assertThat(a.get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(b.get(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(client.readWriteLock("item:1").readLock().isLocked()).isFalse();
    }

    @Test
    void aWriterExcludesReadersAndWriters() {
        Catalog catalog = catalog();
        Mutex write = other.readWriteLock("item:1").writeLock();
        assertThat(write.tryLock()).isTrue();
        assertThatThrownBy(() -> catalog.read("1")).isInstanceOfSatisfying(LockAcquisitionException.class,
                e -> assertThat(e.lockName()).isEqualTo("item:1"));
        assertThatThrownBy(() -> catalog.write("1")).isInstanceOf(LockAcquisitionException.class);
        assertThat(catalog.writeOrSkip("1")).as("SKIP works in WRITE mode").isNull();
        write.unlock();
        assertThat(catalog.read("1")).isTrue();
        assertThat(catalog.write("1")).isTrue();
        assertThat(catalog.writeOrSkip("1")).isEqualTo("wrote");
    }

    @Test
    void aReaderExcludesWritersButNotReadersNorTheMutex() {
        Catalog catalog = catalog();
        Mutex read = other.readWriteLock("item:1").readLock();
        assertThat(read.tryLock()).isTrue();
        assertThat(catalog.read("1")).isTrue();
        assertThatThrownBy(() -> catalog.write("1")).isInstanceOf(LockAcquisitionException.class);
        assertThat(catalog.exclusive("1")).as("mutexes and read-write locks are separate name spaces").isTrue();
        read.unlock();
    }

    @Test
    void aLockOnOneKeyDoesNotBlockAnotherKey() {
        Catalog catalog = catalog();
        Mutex write = other.readWriteLock("item:1").writeLock();
        assertThat(write.tryLock()).isTrue();
        assertThat(catalog.read("2")).isTrue();
        assertThat(catalog.write("2")).isTrue();
        write.unlock();
    }

    @Test
    void repeatedReadAndWriteOnTwoKeysAreTakenTogetherAndRolledBack() {
        Catalog catalog = catalog();
        assertThat(catalog.copy("a", "b")).isTrue();
        assertThat(client.readWriteLock("item:a").readLock().isLocked()).isFalse();
        assertThat(client.readWriteLock("item:b").writeLock().isLocked()).isFalse();

        Mutex read = other.readWriteLock("item:b").readLock();
        assertThat(read.tryLock()).isTrue();
        assertThatThrownBy(() -> catalog.copy("a", "b")).isInstanceOfSatisfying(LockAcquisitionException.class,
                e -> assertThat(e.lockName()).isEqualTo("item:b"));
        assertThat(client.readWriteLock("item:a").readLock().isLocked()).as("read of 'a' rolled back").isFalse();
        read.unlock();
    }

    @Test
    void readAndWriteOfOneKeyAreTakenWriteFirst() {
        Catalog catalog = catalog();
        assertThat(catalog.readAndWrite("1")).isTrue();
        assertThat(client.readWriteLock("item:1").readLock().isLocked()).isFalse();
        assertThat(client.readWriteLock("item:1").writeLock().isLocked()).isFalse();
    }

    @Test
    void aBackendWithoutReadWriteLocksFailsAtTheFirstCallNamingMethodKeyAndBackend() {
        LockClient plain = withoutReadWriteLocks(client);
        Catalog target = new Catalog();
        target.client = client;
        Catalog catalog = LockProxies.wrap(target, plain);
        assertThatThrownBy(() -> catalog.read("7")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("mode = READ").hasMessageContaining("read(String)")
                .hasMessageContaining("'item:7'").hasMessageContaining("the plain backend")
                .hasCauseInstanceOf(UnsupportedOperationException.class);
        assertThat(catalog.exclusive("7")).as("EXCLUSIVE still works").isTrue();
    }

    /** The client, but with the interface's default readWriteLock (unsupported) and backend "plain". */
    private static LockClient withoutReadWriteLocks(LockClient delegate) {
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "readWriteLock":
                    return InvocationHandler.invokeDefault(proxy, method, args);
                case "backend":
                    return "plain";
                default:
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
            }
        };
        return (LockClient) Proxy.newProxyInstance(LockClient.class.getClassLoader(), new Class<?>[] {LockClient.class},
                handler);
    }
}
