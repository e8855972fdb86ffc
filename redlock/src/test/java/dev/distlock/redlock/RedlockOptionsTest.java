package dev.distlock.redlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.BackendUnavailableException;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.spi.LockUri;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedlockOptionsTest {
    @Test
    void defaultsFollowTheRedlockArithmetic() {
        RedlockOptions o = RedlockOptions.defaults();
        long lease = Duration.ofSeconds(30).toNanos();
        assertThat(o.driftNanos(lease)).isEqualTo(Duration.ofMillis(300 + 2).toNanos());
        assertThat(o.nodeTimeout()).as("derived from the lease").isEmpty();
        assertThat(o.nodeTimeoutNanos(30_000)).as("capped at 1 s").isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(o.nodeTimeoutNanos(4_000)).as("5% of the lease").isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(o.nodeTimeoutNanos(500)).as("at least 50 ms").isEqualTo(Duration.ofMillis(50).toNanos());
        assertThat(o.unreachableAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.attemptTimeoutNanos(30_000)).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(o.attemptTimeoutNanos(4_000)).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(o.attemptTimeoutNanos(200)).as("lease / 10").isEqualTo(Duration.ofMillis(20).toNanos());
        assertThat(o.attemptTimeoutNanos(1)).as("at least 1 ms").isEqualTo(Duration.ofMillis(1).toNanos());
        assertThat(o.driftNanos(Duration.ofMillis(3).toNanos())).as("at most half the lease")
                .isEqualTo(Duration.ofMillis(3).toNanos() / 2);
    }

    @Test
    void uriParametersAreRead() {
        RedlockOptions o = RedlockOptions.fromUri(LockUri.parse("redlock://a:1,b:2,c:3?nodeTimeout=20ms&driftFactor=0.02&attemptFraction=0.3"
                + "&driftMin=5ms&retryMin=1ms&retryMax=3ms&prefix=x:&fenceRetention=forever"));
        assertThat(o.nodeTimeout()).contains(Duration.ofMillis(20));
        assertThat(o.nodeTimeoutNanos(30_000)).isEqualTo(Duration.ofMillis(20).toNanos());
        assertThat(o.unreachableAfter()).as("unreachable only after 1 s").isEqualTo(Duration.ofSeconds(1));
        assertThat(o.driftFactor()).isEqualTo(0.02);
        assertThat(o.attemptTimeoutNanos(1000)).as("min(20 ms, 300 ms)").isEqualTo(Duration.ofMillis(20).toNanos());
        assertThat(o.attemptFraction()).isEqualTo(0.3);
        assertThat(o.driftMin()).isEqualTo(Duration.ofMillis(5));
        assertThat(o.retryMin()).isEqualTo(Duration.ofMillis(1));
        assertThat(o.retryMax()).isEqualTo(Duration.ofMillis(3));
        assertThat(o.layout().prefix()).isEqualTo("x:");
        assertThat(o.fenceRetention()).isZero();
        assertThat(RedlockOptions.fromUri(LockUri.parse("redlock://a,b,c?nodeTimeout=PT0.1S")).nodeTimeout())
                .contains(Duration.ofMillis(100));
        assertThat(RedlockOptions.fromUri(LockUri.parse("redlock://a,b,c?nodeTimeout=auto")).nodeTimeout()).isEmpty();
    }

    @Test
    void badParametersAreNamed() {
        assertThatThrownBy(() -> RedlockOptions.fromUri(LockUri.parse("redlock://a,b,c?nodetimeout=5ms")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodetimeout");
        assertThatThrownBy(() -> RedlockOptions.fromUri(LockUri.parse("redlock://a,b,c?nodeTimeout=fast")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodeTimeout");
        assertThatThrownBy(() -> RedlockOptions.fromUri(LockUri.parse("redlock://a,b,c?attemptFraction=0.9")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attemptFraction");
        assertThatThrownBy(() -> RedlockOptions.fromUri(LockUri.parse("redlock://a,b,c?driftFactor=0.9")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("driftFactor");
        assertThatThrownBy(() -> RedlockOptions.fromUri(LockUri.parse("redlock://a,b,c?retryMin=50ms&retryMax=10ms")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryMax");
        assertThatThrownBy(() -> RedlockOptions.fromUri(LockUri.parse("redlock://a,b,c?fenceRetention=10ms")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fenceRetention");
    }

    @Test
    void badUrisFailClearly() {
        LockConfig fast = LockConfig.builder().connectTimeout(Duration.ofMillis(500)).build();
        assertThatThrownBy(() -> LockClients.connect("redlock://127.0.0.1:1,127.0.0.1:2", fast))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 3 nodes");
        assertThatThrownBy(() -> LockClients.connect("redlock://127.0.0.1:1,127.0.0.1:1,127.0.0.1:2", fast))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }

    @Test
    void unreachableNodesFailWithinTheConnectTimeoutNamingEachNode() throws Exception {
        int[] ports = new int[3];
        for (int i = 0; i < 3; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports[i] = s.getLocalPort(); // closed again: nothing listens there
            }
        }
        String uri = "redlock://127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
        LockConfig config = LockConfig.builder().connectTimeout(Duration.ofSeconds(2)).build();
        // The first attempt loads Netty and Lettuce (seconds on a loaded machine); time the second.
        assertThatThrownBy(() -> LockClients.connect(uri, config)).isInstanceOf(BackendUnavailableException.class);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> LockClients.connect(uri, config))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + ports[0])
                .hasMessageContaining("127.0.0.1:" + ports[2])
                .hasMessageContaining("majority");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(6));
    }
}
