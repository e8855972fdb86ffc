package dev.distlock.tests.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import dev.distlock.embedded.EmbeddedZooKeeper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Connecting through {@link LockClients} by URI, and what bad URIs and absent servers do. */
class ZooKeeperClientTest {
    private static EmbeddedZooKeeper zk;

    @BeforeAll
    static void startServer() {
        zk = EmbeddedZooKeeper.standalone().start();
    }

    @AfterAll
    static void stopServer() {
        zk.close();
    }

    @Test
    void theServiceLoaderFindsTheBackendAndTheNamespaceIsUsed() throws Exception {
        try (LockClient c = LockClients.connect("zk://" + zk.connectString() + "/client-test?sessionTimeout=10s");
                ZkAdmin admin = new ZkAdmin(zk.connectString(), "/client-test")) {
            assertThat(c.backend()).isEqualTo("zookeeper");
            Mutex m = c.mutex("a/b");
            m.lock();
            assertThat(admin.lockPath("a/b")).isEqualTo("/client-test/locks/a%2Fb");
            assertThat(admin.lockNodes("a/b")).hasSize(1).allSatisfy(n -> assertThat(n).startsWith("lk-"));
            m.unlock();
        }
    }

    @Test
    void badUrisAreRejectedWithTheirRule() {
        assertThatThrownBy(() -> LockClients.connect("zk://")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host");
        assertThatThrownBy(() -> LockClients.connect("zk://" + zk.connectString() + "/a//b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace");
        assertThatThrownBy(() -> LockClients.connect("zk://" + zk.connectString() + "/zookeeper"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> LockClients.connect("zk://" + zk.connectString() + "?sesionTimeout=1s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sesionTimeout");
        assertThatThrownBy(() -> LockClients.connect("zk://" + zk.connectString() + "?onSuspended=never"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("onSuspended");
    }

    @Test
    void anAbsentServerFailsWithinTheConnectTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nobody listens there
        }
        LockConfig config = LockConfig.builder().connectTimeout(Duration.ofMillis(500)).build();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> LockClients.connect("zk://127.0.0.1:" + port, config))
                .isInstanceOf(BackendUnavailableException.class).hasMessageContaining("127.0.0.1:" + port);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("ms to give up").isLessThan(5_000);
    }
}
