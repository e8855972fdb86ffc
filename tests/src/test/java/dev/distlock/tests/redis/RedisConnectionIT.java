package dev.distlock.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import dev.distlock.embedded.RedisProcess;
import dev.distlock.redis.RedisKeyLayout;
import dev.distlock.redis.RedisLockOptions;
import dev.distlock.redis.RedisLocks;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connecting to Redis: credentials (password, ACL user), database, key prefix, client name,
 * TLS, and clear, timely failures for bad URIs, refused and silent servers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisConnectionIT {
    private static final LockConfig FAST = LockConfig.builder().connectTimeout(Duration.ofMillis(800))
            .commandTimeout(Duration.ofSeconds(2)).build();
    /** For connections that must succeed: a loaded CI machine can take longer than FAST allows. */
    private static final LockConfig PATIENT = LockConfig.builder().connectTimeout(Duration.ofSeconds(10)).build();
    /** A refused login must fail well within this, however loaded the machine. */
    private static final LockConfig LOGIN = LockConfig.builder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final String name = "conn:" + UUID.randomUUID();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private RedisProcess start(RedisProcess.Builder builder) {
        assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed (apt-get install redis-server)");
        RedisProcess p = builder.build().start();
        closeables.add(p);
        return p;
    }

    private LockClient connect(String uri, LockConfig config) {
        LockClient c = LockClients.connect(uri, config);
        closeables.add(c);
        return c;
    }

    private static void lockAndUnlock(LockClient c, String name) {
        Mutex m = c.mutex(name);
        assertThat(m.tryLock()).isTrue();
        m.unlock();
    }

    @Test
    void aclUserAndPasswordAndTheirFailures() {
        RedisProcess redis = start(RedisProcess.builder().requirePass("defaultpw")
                .config("user", "alice", "on", ">wonderland", "~*", "&*", "+@all"));
        lockAndUnlock(connect("redis://alice:wonderland@127.0.0.1:" + redis.port(), PATIENT), name);
        lockAndUnlock(connect("redis://:defaultpw@127.0.0.1:" + redis.port(), PATIENT), name);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> connect("redis://alice:rabbit-hole@127.0.0.1:" + redis.port(), LOGIN))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + redis.port()).hasMessageContaining("alice")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("rabbit-hole"));
        assertThatThrownBy(() -> connect("redis://127.0.0.1:" + redis.port(), LOGIN))
                .as("no password where one is required").isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + redis.port());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("ms for two refused logins")
                .isLessThan(2 * 2000 + 500);
    }

    @Test
    void databasePrefixAndClientNameAreUsed() {
        RedisProcess redis = start(RedisProcess.builder());
        LockClient c = connect("redis://127.0.0.1:" + redis.port() + "/3?prefix=billing:locks:",
                FAST.toBuilder().clientName("billing-svc").build());
        Mutex m = c.mutex(name);
        m.lock();
        String key = RedisKeyLayout.withPrefix("billing:locks:").lockKey(name);
        assertThat(redis.call("EXISTS", key)).as("key in database 0").isEqualTo(0L);
        RedisClient admin = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(redis.port())
                .withDatabase(3).build());
        try (StatefulRedisConnection<String, String> db3 = admin.connect()) {
            assertThat(db3.sync().get(key)).as("value in database 3").endsWith("#" + m.fencingToken());
            assertThat(db3.sync().exists(RedisKeyLayout.withPrefix("billing:locks:").fenceKey(name))).isEqualTo(1L);
        } finally {
            admin.shutdown();
        }
        assertThat(RedisAdmin.connections(redis, "billing-svc")).hasSize(1);
        m.unlock();
    }

    @Test
    void optionsFromTheBuilderAndTheUriCombine() {
        RedisProcess redis = start(RedisProcess.builder());
        LockClient c = RedisLocks.connect("redis://127.0.0.1:" + redis.port() + "?fenceRetention=forever", FAST,
                RedisLockOptions.builder().keyPrefix("built:").build());
        closeables.add(c);
        lockAndUnlock(c, name);
        assertThat(redis.call("PTTL", RedisKeyLayout.withPrefix("built:").fenceKey(name))).as("counter kept forever")
                .isEqualTo(-1L);
        LockClient d = RedisLocks.connect("redis://127.0.0.1:" + redis.port() + "?prefix=uri:", FAST,
                RedisLockOptions.builder().keyPrefix("built:").fenceRetention(Duration.ofMinutes(5)).build());
        closeables.add(d);
        lockAndUnlock(d, name);
        assertThat((Long) redis.call("PTTL", RedisKeyLayout.withPrefix("uri:").fenceKey(name)))
                .as("counter kept five minutes").isBetween(Duration.ofMinutes(4).toMillis(), Duration.ofMinutes(5).toMillis());
    }

    @Test
    void aRefusedConnectionFailsAtOnceNamingTheAddressWithoutThePassword() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> connect("redis://app:hunter2@127.0.0.1:" + port, FAST))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(800 + 500);
    }

    @Test
    void aServerThatNeverAnswersFailsWithinTheConnectTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> connect("redis://127.0.0.1:" + silent.getLocalPort(), FAST))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + silent.getLocalPort()).hasMessageContaining("PT0.8S");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(ms).as("ms until a silent server was given up").isBetween(700L, 800L + 700L);
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void badUrisAreRejectedBeforeConnecting() {
        assertThatThrownBy(() -> LockClients.connect("redis://h1:1,h2:2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one host");
        assertThatThrownBy(() -> LockClients.connect("redis://:pw@h/zero")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("database").satisfies(e -> assertThat(e.getMessage()).doesNotContain(":pw@"));
        assertThatThrownBy(() -> LockClients.connect("redis-sentinel://h:26379")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("master");
        assertThatThrownBy(() -> LockClients.connect("redis://h:6379?timeout=5s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> RedisLocks.connect("redis://h", null, RedisLockOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("config");
        assertThatThrownBy(() -> RedisLocks.connect("redis://h", FAST, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("options");
    }

    @Test
    void tlsWithATrustedCertificate(@TempDir Path dir) throws Exception {
        assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed (apt-get install redis-server)");
        Path[] pem = selfSignedCertificate(dir);
        int tlsPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            tlsPort = s.getLocalPort();
        }
        start(RedisProcess.builder().config("tls-port", Integer.toString(tlsPort))
                .config("tls-cert-file", pem[0].toString()).config("tls-key-file", pem[1].toString())
                .config("tls-ca-cert-file", pem[0].toString()).config("tls-auth-clients", "no"));
        String uri = "rediss://127.0.0.1:" + tlsPort;
        // The first TLS handshake of a JVM loads a lot of classes: allow for it.
        LockConfig tls = FAST.toBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        lockAndUnlock(connect(uri + "?caCert=" + pem[0], tls), name);
        lockAndUnlock(connect(uri + "?verifyPeer=none", tls), name);
        assertThatThrownBy(() -> connect(uri, tls)).as("certificate not in the JVM's trust store")
                .isInstanceOf(BackendUnavailableException.class).hasMessageContaining("rediss at 127.0.0.1:" + tlsPort);
    }

    /** Makes a self-signed certificate for 127.0.0.1 with keytool; returns the certificate and key PEM files. */
    private static Path[] selfSignedCertificate(Path dir) throws Exception {
        Path store = dir.resolve("tls.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "redis", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool could not make a certificate: " + out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        try {
            Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n"
                    + b64.encodeToString(ks.getCertificate("redis").getEncoded()) + "\n-----END CERTIFICATE-----\n");
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                    + b64.encodeToString(ks.getKey("redis", "changeit".toCharArray()).getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Path[] {cert, key};
    }
}
