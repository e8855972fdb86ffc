package dev.distlock.bench;

import dev.distlock.DistributedReadWriteLock;
import dev.distlock.DistributedSemaphore;
import dev.distlock.LeaderElection;
import dev.distlock.LeadershipListener;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.LossReason;
import dev.distlock.PermitLease;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.locks.InterProcessReadWriteLock;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RReadWriteLock;
import org.redisson.api.RedissonClient;

/**
 * Opens a {@link CoordinationAdapter} for each contender that has coordination primitives: one
 * generic adapter over distlock's {@code readWriteLock}, {@code semaphore} and
 * {@code leaderElection} for every distlock backend, Redisson ({@code RReadWriteLock},
 * {@code RPermitExpirableSemaphore}; Redisson has no leader election) and Curator
 * ({@code InterProcessReadWriteLock}, {@code InterProcessSemaphoreV2}, {@code LeaderLatch}).
 *
 * <p>Fairness settings, as for the locks ({@link LockAdapters}): distlock's read-write locks,
 * permits and terms have the 3 s watchdog lease ({@link LockAdapters#LEASE}); Redisson's
 * read-write lock has the same watchdog timeout, and its permits — which Redisson never renews —
 * a 3 s lease (an acquire+release lasts milliseconds); Curator's holds last as long as the
 * session. Curator gets one recipe object per name and thread, as for its mutex.
 *
 * <p>Thread-safe.
 */
public final class CoordinationAdapters {
    private CoordinationAdapters() {
    }

    /**
     * Tells whether {@code c} has what scenario {@code s} needs: read-write locks and
     * semaphores on distlock redis, zookeeper and memory, Redisson and Curator (not on Redlock,
     * whose backend offers neither, nor on Redisson's RedLock); leader election on every distlock
     * backend and Curator (Redisson has none). For the lock scenarios: every contender but the
     * floors, which run only the uncontended ones.
     *
     * @param c the contender
     * @param s the scenario
     * @return whether {@code c} runs in {@code s}
     * @throws IllegalArgumentException if an argument is null
     */
    public static boolean supports(Contender c, Scenario s) {
        if (c == null || s == null) {
            throw new IllegalArgumentException("contender and scenario must not be null");
        }
        return switch (s.kind()) {
            case READ_WRITE, SEMAPHORE -> switch (c) {
                case DISTLOCK_REDIS, DISTLOCK_ZOOKEEPER, DISTLOCK_MEMORY, REDISSON, CURATOR -> true;
                default -> false;
            };
            case ELECTION -> c.isDistlock() || c == Contender.CURATOR;
            default -> !(s.needsLock() && c.isFloor());
        };
    }

    /**
     * Opens one client of {@code c} on {@code servers}.
     *
     * @param c the contender
     * @param servers the servers of the run
     * @return the client; close it
     * @throws IllegalStateException if {@code c} is unavailable or has no coordination primitives
     * @throws RuntimeException whatever the library throws when it cannot connect
     */
    public static CoordinationAdapter open(Contender c, BenchServers servers) {
        String why = LockAdapters.unavailable(c, servers);
        if (why != null) {
            throw new IllegalStateException(c.label() + " is unavailable: " + why);
        }
        return switch (c) {
            case DISTLOCK_REDIS, DISTLOCK_REDLOCK, DISTLOCK_ZOOKEEPER, DISTLOCK_MEMORY ->
                    new Distlock(LockAdapters.distlockUri(c, servers));
            case REDISSON -> new Redisson(LockAdapters.redisson(servers.redisUri()));
            case CURATOR -> new Curator(LockAdapters.curator(servers.zkConnect()));
            default -> throw new IllegalStateException(c.label() + " has no coordination primitives");
        };
    }

    private static RuntimeException wrap(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return e instanceof RuntimeException re ? re : new IllegalStateException(what + " failed: " + e, e);
    }

    /** distlock, any backend, through {@code LockClients.connect}. */
    static final class Distlock implements CoordinationAdapter {
        private static final Duration FOREVER = Duration.ofDays(36_500);
        private final LockClient client;
        private final Map<String, DistributedReadWriteLock> rw = new ConcurrentHashMap<>();
        private final Map<String, DistributedSemaphore> semaphores = new ConcurrentHashMap<>();

        Distlock(String uri) {
            this.client = LockClients.connect(uri, LockConfig.builder().leaseTime(LockAdapters.LEASE)
                    .clientName("distlock-bench").build());
        }

        private DistributedReadWriteLock rw(String name) {
            return rw.computeIfAbsent(name, client::readWriteLock);
        }

        @Override
        public void readLock(String name) {
            rw(name).readLock().lock();
        }

        @Override
        public void readUnlock(String name) {
            rw(name).readLock().unlock();
        }

        @Override
        public void writeLock(String name) {
            rw(name).writeLock().lock();
        }

        @Override
        public void writeUnlock(String name) {
            rw(name).writeLock().unlock();
        }

        @Override
        public Object acquirePermit(String name, int permits) {
            try {
                return semaphores.computeIfAbsent(name, n -> client.semaphore(n, permits)).tryAcquire(1, FOREVER);
            } catch (InterruptedException e) {
                throw wrap("acquire a permit", e);
            }
        }

        @Override
        public void releasePermit(String name, Object permit) {
            ((PermitLease) permit).close();
        }

        @Override
        public Participant participant(String group) {
            LeaderElection e = client.leaderElection(group);
            return new Participant() {
                private volatile Runnable onGained = () -> { };

                {
                    e.addListener(new LeadershipListener() {
                        @Override
                        public void leadershipGained(LeaderElection election, long term) {
                            onGained.run();
                        }

                        @Override
                        public void leadershipLost(LeaderElection election, long term, LossReason reason) {
                            // the benchmark watches gains only
                        }
                    });
                }

                @Override
                public void join(Runnable gained) {
                    onGained = gained;
                    e.join();
                }

                @Override
                public boolean isLeader() {
                    return e.isLeader();
                }

                @Override
                public void resign() {
                    e.resign();
                }

                @Override
                public boolean awaitLeadership(Duration wait) throws InterruptedException {
                    return e.awaitLeadership(wait);
                }
            };
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** Redisson: {@code RReadWriteLock} and {@code RPermitExpirableSemaphore}; no leader election. */
    static final class Redisson implements CoordinationAdapter {
        private final RedissonClient client;
        private final Map<String, RReadWriteLock> rw = new ConcurrentHashMap<>();
        private final Map<String, RPermitExpirableSemaphore> semaphores = new ConcurrentHashMap<>();

        Redisson(RedissonClient client) {
            this.client = client;
        }

        private RReadWriteLock rw(String name) {
            return rw.computeIfAbsent(name, client::getReadWriteLock);
        }

        @Override
        public void readLock(String name) {
            rw(name).readLock().lock();
        }

        @Override
        public void readUnlock(String name) {
            rw(name).readLock().unlock();
        }

        @Override
        public void writeLock(String name) {
            rw(name).writeLock().lock();
        }

        @Override
        public void writeUnlock(String name) {
            rw(name).writeLock().unlock();
        }

        @Override
        public Object acquirePermit(String name, int permits) {
            RPermitExpirableSemaphore s = semaphores.computeIfAbsent(name, n -> {
                RPermitExpirableSemaphore created = client.getPermitExpirableSemaphore(n);
                created.trySetPermits(permits); // sets the permits only if nobody has yet
                return created;
            });
            try {
                return s.acquire(LockAdapters.LEASE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw wrap("acquire a permit", e);
            }
        }

        @Override
        public void releasePermit(String name, Object permit) {
            semaphores.get(name).release((String) permit);
        }

        @Override
        public Participant participant(String group) {
            throw new UnsupportedOperationException("Redisson has no leader election");
        }

        @Override
        public void close() {
            client.shutdown();
        }
    }

    /**
     * Curator: {@code InterProcessReadWriteLock} and {@code InterProcessSemaphoreV2}, one object per
     * name and thread (see {@link LockAdapters}' Curator mutex), and {@code LeaderLatch}.
     */
    static final class Curator implements CoordinationAdapter {
        private final CuratorFramework client;
        private final ThreadLocal<Map<String, InterProcessReadWriteLock>> rw = ThreadLocal.withInitial(HashMap::new);
        private final ThreadLocal<Map<String, InterProcessSemaphoreV2>> semaphores =
                ThreadLocal.withInitial(HashMap::new);

        Curator(CuratorFramework client) {
            this.client = client;
        }

        private InterProcessReadWriteLock rw(String name) {
            return rw.get().computeIfAbsent(name, n -> new InterProcessReadWriteLock(client, "/curator-bench-rw/" + n));
        }

        @Override
        public void readLock(String name) {
            try {
                rw(name).readLock().acquire();
            } catch (Exception e) {
                throw wrap("Curator read lock", e);
            }
        }

        @Override
        public void readUnlock(String name) {
            try {
                rw(name).readLock().release();
            } catch (Exception e) {
                throw wrap("Curator read unlock", e);
            }
        }

        @Override
        public void writeLock(String name) {
            try {
                rw(name).writeLock().acquire();
            } catch (Exception e) {
                throw wrap("Curator write lock", e);
            }
        }

        @Override
        public void writeUnlock(String name) {
            try {
                rw(name).writeLock().release();
            } catch (Exception e) {
                throw wrap("Curator write unlock", e);
            }
        }

        @Override
        public Object acquirePermit(String name, int permits) {
            try {
                return semaphores.get().computeIfAbsent(name,
                        n -> new InterProcessSemaphoreV2(client, "/curator-bench-sem/" + n, permits)).acquire();
            } catch (Exception e) {
                throw wrap("Curator semaphore acquire", e);
            }
        }

        @Override
        public void releasePermit(String name, Object permit) {
            try {
                ((Lease) permit).close();
            } catch (Exception e) {
                throw wrap("Curator semaphore release", e);
            }
        }

        @Override
        public Participant participant(String group) {
            String path = "/curator-bench-election/" + group;
            return new Participant() {
                private volatile LeaderLatch latch;

                @Override
                public synchronized void join(Runnable onGained) {
                    if (latch != null) {
                        return;
                    }
                    // A closed LeaderLatch cannot start again: every join is a new one.
                    LeaderLatch l = new LeaderLatch(client, path);
                    l.addListener(new LeaderLatchListener() {
                        @Override
                        public void isLeader() {
                            onGained.run();
                        }

                        @Override
                        public void notLeader() {
                            // the benchmark watches gains only
                        }
                    });
                    try {
                        l.start();
                    } catch (Exception e) {
                        throw wrap("LeaderLatch start", e);
                    }
                    latch = l;
                }

                @Override
                public boolean isLeader() {
                    LeaderLatch l = latch;
                    return l != null && l.hasLeadership();
                }

                @Override
                public synchronized void resign() {
                    LeaderLatch l = latch;
                    latch = null;
                    if (l != null) {
                        try {
                            l.close();
                        } catch (Exception e) {
                            throw wrap("LeaderLatch close", e);
                        }
                    }
                }

                @Override
                public boolean awaitLeadership(Duration wait) throws InterruptedException {
                    LeaderLatch l = latch;
                    return l != null && l.await(wait.toMillis(), TimeUnit.MILLISECONDS);
                }
            };
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
