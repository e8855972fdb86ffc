package dev.distlock.bench;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import dev.distlock.spi.LockClientProvider;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.redisson.Redisson;
import org.redisson.RedissonRedLock;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Opens a {@link LockAdapter} for each {@link Contender}: one generic adapter over distlock's
 * {@code LockClient}/{@code Mutex} for every distlock backend (picked by URI scheme through
 * {@code LockClients.connect}), and one each for Redisson {@code RLock}, Redisson
 * {@code RedissonRedLock}, Curator {@code InterProcessMutex} and the three floors.
 *
 * <p>Settings that make the comparison fair: every contender uses the same lease
 * ({@link #LEASE}, renewed every third of it: distlock's lease time, Redisson's lock watchdog
 * timeout); ZooKeeper holds are bounded by the session, not a lease. Curator gets a mutex object
 * per name and thread (see {@link Curator}). All Redisson clients of a
 * run share one Netty event loop group (4 threads) so that 100 clients do not start 3,200 Netty
 * threads; each has a connection pool of up to 24 and 4 executor threads.
 *
 * <p>Thread-safe.
 */
public final class LockAdapters {
    /** The lease of every lock that has one (3 s): renewed every third of it while held. */
    public static final Duration LEASE = Duration.ofSeconds(3);

    private static volatile EventLoopGroup redissonLoops;

    private LockAdapters() {
    }

    /**
     * Returns why {@code c} cannot run on {@code servers}, or null if it can: its servers are
     * unavailable, or (distlock) no backend on the class path serves its URI scheme.
     *
     * @param c       the contender
     * @param servers the servers of the run
     * @return the reason, or null
     * @throws IllegalArgumentException if an argument is null
     */
    public static String unavailable(Contender c, BenchServers servers) {
        if (c == null || servers == null) {
            throw new IllegalArgumentException("contender and servers must not be null");
        }
        String why = servers.unavailable(c.family());
        if (why != null) {
            return why;
        }
        if (c.isDistlock() && !schemes().contains(c.scheme())) {
            return "no distlock backend serves " + c.scheme() + ":// on the class path (its module is not built in yet)";
        }
        return null;
    }

    /** The URI schemes served by the distlock backends on the class path. */
    static Set<String> schemes() {
        Set<String> s = new HashSet<>();
        for (LockClientProvider p : ServiceLoader.load(LockClientProvider.class, LockClients.class.getClassLoader())) {
            s.addAll(p.schemes());
        }
        return s;
    }

    /** The distlock URI of {@code c} on {@code servers}. */
    static String distlockUri(Contender c, BenchServers servers) {
        return switch (c) {
            case DISTLOCK_REDIS -> servers.redisUri();
            case DISTLOCK_REDLOCK -> "redlock://" + String.join(",", servers.redlockUris().stream()
                    .map(u -> u.replaceFirst("^redis://", "")).toList());
            case DISTLOCK_ZOOKEEPER -> "zk://" + servers.zkConnect() + "/distlock-bench";
            case DISTLOCK_MEMORY -> "memory://bench";
            default -> throw new IllegalArgumentException(c + " is not distlock");
        };
    }

    /**
     * Opens one client of {@code c} on {@code servers}.
     *
     * @param c       the contender
     * @param servers the servers of the run
     * @return the client; close it
     * @throws IllegalStateException if {@code c} is unavailable (the message says why)
     * @throws RuntimeException      whatever the library throws when it cannot connect
     */
    public static LockAdapter open(Contender c, BenchServers servers) {
        String why = unavailable(c, servers);
        if (why != null) {
            throw new IllegalStateException(c.label() + " is unavailable: " + why);
        }
        return switch (c) {
            case DISTLOCK_REDIS, DISTLOCK_REDLOCK, DISTLOCK_ZOOKEEPER, DISTLOCK_MEMORY ->
                    new Distlock(distlockUri(c, servers));
            case REDISSON -> new RedissonLocks(List.of(redisson(servers.redisUri())), false);
            case REDISSON_REDLOCK -> new RedissonLocks(servers.redlockUris().stream().map(LockAdapters::redisson).toList(),
                    true);
            case CURATOR -> new Curator(servers.zkConnect());
            case REDIS_PING_FLOOR -> new RedisPing(servers.redisUri());
            case REDLOCK_PING_FLOOR -> new ParallelPing(servers.redlockUris());
            case ZK_EXISTS_FLOOR -> new ZkExists(servers.zkConnect());
        };
    }

    /** The generic distlock adapter: any backend, through {@code LockClients.connect}. */
    static final class Distlock implements LockAdapter {
        private final LockClient client;
        private final Map<String, Mutex> mutexes = new ConcurrentHashMap<>();
        private final Function<String, Mutex> newMutex;

        Distlock(String uri) {
            this.client = LockClients.connect(uri, LockConfig.builder().leaseTime(LEASE).clientName("distlock-bench")
                    .build());
            this.newMutex = client::mutex;
        }

        @Override
        public void lock(String name) {
            mutexes.computeIfAbsent(name, newMutex).lock();
        }

        @Override
        public boolean tryLock(String name, Duration wait) {
            try {
                return mutexes.computeIfAbsent(name, newMutex).tryLock(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public void unlock(String name) {
            mutexes.computeIfAbsent(name, newMutex).unlock();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    private static synchronized EventLoopGroup redissonLoops() {
        if (redissonLoops == null) {
            redissonLoops = new MultiThreadIoEventLoopGroup(4, new DefaultThreadFactory("bench-redisson", true),
                    NioIoHandler.newFactory());
        }
        return redissonLoops;
    }

    static RedissonClient redisson(String uri) {
        RedisURI u = RedisURI.create(uri);
        Config config = new Config();
        config.setEventLoopGroup(redissonLoops());
        config.setThreads(4);
        config.setLockWatchdogTimeout(LEASE.toMillis());
        var single = config.useSingleServer()
                .setAddress("redis://" + u.getHost() + ":" + u.getPort())
                .setConnectionMinimumIdleSize(1)
                .setConnectionPoolSize(24)
                .setSubscriptionConnectionMinimumIdleSize(1)
                .setSubscriptionConnectionPoolSize(4)
                .setDatabase(u.getDatabase());
        String userInfo = java.net.URI.create(uri).getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? "" : decode(userInfo.substring(0, colon));
            String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
            if (!user.isEmpty()) {
                single.setUsername(user);
            }
            single.setPassword(password);
        }
        return Redisson.create(config);
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Redisson {@code RLock} on one client, or {@code RedissonRedLock} over one client per node. */
    static final class RedissonLocks implements LockAdapter {
        private final List<RedissonClient> clients;
        private final boolean redLock;
        private final Map<String, RLock> locks = new ConcurrentHashMap<>();
        private final Function<String, RLock> newLock;

        RedissonLocks(List<RedissonClient> clients, boolean redLock) {
            this.clients = clients;
            this.redLock = redLock;
            this.newLock = this::create;
        }

        private RLock create(String name) {
            if (!redLock) {
                return clients.get(0).getLock(name);
            }
            RLock[] parts = clients.stream().map(c -> c.getLock(name)).toArray(RLock[]::new);
            @SuppressWarnings("deprecation")
            RLock red = new RedissonRedLock(parts);
            return red;
        }

        @Override
        public void lock(String name) {
            locks.computeIfAbsent(name, newLock).lock();
        }

        @Override
        public boolean tryLock(String name, Duration wait) {
            try {
                return locks.computeIfAbsent(name, newLock).tryLock(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public void unlock(String name) {
            locks.computeIfAbsent(name, newLock).unlock();
        }

        @Override
        public boolean supportsReentry() {
            return true;
        }

        @Override
        public void close() {
            clients.forEach(RedissonClient::shutdown);
        }
    }

    /**
     * Curator's {@code InterProcessMutex} on one CuratorFramework client: one mutex object per
     * name and thread. Curator's mutex is thread-safe, but threads that share one object also
     * share its monitor, and every predecessor-deleted watch then wakes all of them
     * ({@code notifyAll}); an object per thread is how it is used at its best.
     */
    static final class Curator implements LockAdapter {
        private final CuratorFramework client;
        private final ThreadLocal<Map<String, InterProcessMutex>> mutexes =
                ThreadLocal.withInitial(java.util.HashMap::new);
        private final Function<String, InterProcessMutex> newMutex;

        Curator(String connect) {
            this.client = curator(connect);
            this.newMutex = name -> new InterProcessMutex(client, "/curator-bench/" + name);
        }

        @Override
        public void lock(String name) {
            try {
                mutexes.get().computeIfAbsent(name, newMutex).acquire();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("Curator acquire failed: " + e, e);
            }
        }

        @Override
        public boolean tryLock(String name, Duration wait) {
            try {
                return mutexes.get().computeIfAbsent(name, newMutex).acquire(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("Curator acquire failed: " + e, e);
            }
        }

        @Override
        public void unlock(String name) {
            try {
                mutexes.get().computeIfAbsent(name, newMutex).release();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("Curator release failed: " + e, e);
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /**
     * Starts a CuratorFramework client on {@code connect} and waits until it is connected (30 s
     * session, 10 s connection timeout, a short exponential retry).
     *
     * @param connect the ZooKeeper connect string
     * @return the started client; close it
     * @throws IllegalStateException if it does not connect within 10 s or the thread is interrupted
     */
    static CuratorFramework curator(String connect) {
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(connect)
                .sessionTimeoutMs(30_000).connectionTimeoutMs(10_000)
                .retryPolicy(new ExponentialBackoffRetry(100, 3)).build();
        client.start();
        try {
            if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
                client.close();
                throw new IllegalStateException("Curator could not connect to " + connect + " within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close();
            throw new IllegalStateException("interrupted while connecting", e);
        }
        return client;
    }

    /** The Redis floor: lock and unlock are one {@code PING} each over one Lettuce connection. */
    static final class RedisPing implements LockAdapter {
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> conn;
        private final RedisCommands<String, String> sync;

        RedisPing(String uri) {
            this.client = RedisClient.create(uri);
            this.conn = client.connect();
            this.sync = conn.sync();
        }

        @Override
        public void lock(String name) {
            sync.ping();
        }

        @Override
        public void unlock(String name) {
            sync.ping();
        }

        @Override
        public boolean supportsReentry() {
            return false;
        }

        @Override
        public void close() {
            conn.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /**
     * The Redlock floor: lock and unlock are each one round of {@code PING}s, one to every node at
     * once over a Lettuce connection per node (one client), waiting for all the replies — what a
     * Redlock round trip costs at the least when its nodes are asked in parallel.
     */
    static final class ParallelPing implements LockAdapter {
        private static final Duration TIMEOUT = Duration.ofSeconds(10);
        private final RedisClient client;
        private final List<StatefulRedisConnection<String, String>> conns = new java.util.ArrayList<>();

        ParallelPing(List<String> uris) {
            this.client = RedisClient.create();
            try {
                for (String uri : uris) {
                    conns.add(client.connect(RedisURI.create(uri)));
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public void lock(String name) {
            round();
        }

        @Override
        public void unlock(String name) {
            round();
        }

        private void round() {
            io.lettuce.core.RedisFuture<?>[] replies = new io.lettuce.core.RedisFuture<?>[conns.size()];
            for (int i = 0; i < replies.length; i++) {
                replies[i] = conns.get(i).async().ping();
            }
            for (io.lettuce.core.RedisFuture<?> reply : replies) {
                try {
                    reply.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException("PING failed: " + e, e);
                }
            }
        }

        @Override
        public boolean supportsReentry() {
            return false;
        }

        @Override
        public void close() {
            conns.forEach(StatefulRedisConnection::close);
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** The ZooKeeper floor: lock and unlock are one {@code exists("/")} each over one ZooKeeper handle. */
    static final class ZkExists implements LockAdapter {
        private final ZooKeeper zk;

        ZkExists(String connect) {
            CountDownLatch connected = new CountDownLatch(1);
            try {
                this.zk = new ZooKeeper(connect, 30_000, e -> {
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                });
                if (!connected.await(10, TimeUnit.SECONDS)) {
                    zk.close();
                    throw new IllegalStateException("ZooKeeper " + connect + " did not connect within 10 s");
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("ZooKeeper " + connect + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while connecting", e);
            }
        }

        @Override
        public void lock(String name) {
            exists();
        }

        @Override
        public void unlock(String name) {
            exists();
        }

        private void exists() {
            try {
                zk.exists("/", false);
            } catch (org.apache.zookeeper.KeeperException e) {
                throw new IllegalStateException("exists failed: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        @Override
        public boolean supportsReentry() {
            return false;
        }

        @Override
        public void close() {
            try {
                zk.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
