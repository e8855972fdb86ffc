package dev.distlock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HarnessPrimingTest {

    /** A lock per name shared by every client (one "server"); records which client had to wait on which name. */
    private static final class Server {
        final Map<String, Semaphore> locks = new ConcurrentHashMap<>();
        final Set<String> waited = ConcurrentHashMap.newKeySet();
        final Set<String> acquired = ConcurrentHashMap.newKeySet();

        Semaphore lock(String name) {
            return locks.computeIfAbsent(name, n -> new Semaphore(1));
        }
    }

    private static final class Client implements LockAdapter {
        final Server server;
        final int id;

        Client(Server server, int id) {
            this.server = server;
            this.id = id;
        }

        @Override
        public void lock(String name) {
            tryLock(name, Duration.ofSeconds(10));
        }

        @Override
        public boolean tryLock(String name, Duration wait) {
            Semaphore s = server.lock(name);
            boolean got = s.tryAcquire();
            if (!got) {
                server.waited.add(id + "@" + name);
                try {
                    got = s.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (got) {
                server.acquired.add(id + "@" + name);
            }
            return got;
        }

        @Override
        public void unlock(String name) {
            server.lock(name).release();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void everyClientOfAWaiterScenarioWaitsOnceOnTheScenarioNameAndTakesIt() throws InterruptedException {
        Server server = new Server();
        List<LockAdapter> clients = new ArrayList<>();
        for (int i = 0; i < Scenario.WAITERS_10.threads(); i++) {
            clients.add(new Client(server, i));
        }
        new Harness(null, Duration.ofSeconds(1), Duration.ofSeconds(10)).primeLocks(Scenario.WAITERS_10, clients, "p");

        for (int i = 0; i < clients.size(); i++) {
            assertThat(server.acquired).contains(i + "@p:prime:" + i, i + "@p:hot");
            // client 0 waits in the second round, behind client 1's holder
            assertThat(server.waited).contains(i + "@p:hot");
        }
        assertThat(server.locks.values()).allSatisfy(s -> assertThat(s.availablePermits()).isEqualTo(1));
    }

    @Test
    void uncontendedScenariosOnlyTouchANameOfTheirOwn() throws InterruptedException {
        Server server = new Server();
        new Harness(null, Duration.ofSeconds(1), Duration.ofSeconds(10)).primeLocks(Scenario.UNCONTENDED_8,
                List.of(new Client(server, 0)), "u");

        assertThat(server.acquired).containsExactly("0@u:prime:0");
        assertThat(server.waited).isEmpty();
    }
}
