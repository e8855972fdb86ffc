package dev.distlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZkLockOptionsTest {
    @Test
    void defaults() {
        ZkLockOptions o = ZkLockOptions.defaults();
        assertThat(o.sessionTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.suspendPolicy()).isEqualTo(SuspendPolicy.WAIT_FOR_RECONNECT);
        assertThat(o.suspendGrace()).isNull();
        assertThat(o.stats()).isNull();
    }

    @Test
    void uriParametersOverride() {
        ZkLockOptions o = ZkLockOptions.defaults()
                .withUriParameters(Map.of("sessionTimeout", "10s", "onSuspended", "LOSE", "suspendGrace", "250ms"));
        assertThat(o.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.suspendPolicy()).isEqualTo(SuspendPolicy.LOSE_AT_ONCE);
        assertThat(o.suspendGrace()).isEqualTo(Duration.ofMillis(250));
        assertThat(ZkLockOptions.defaults().withUriParameters(Map.of("sessionTimeout", "2m")).sessionTimeout())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(ZkLockOptions.defaults().withUriParameters(Map.of("sessionTimeout", "1500")).sessionTimeout())
                .isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void badValuesAreRejectedWithTheirName() {
        assertThatThrownBy(() -> ZkLockOptions.defaults().withUriParameters(Map.of("sessionTimout", "1s")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionTimout");
        assertThatThrownBy(() -> ZkLockOptions.defaults().withUriParameters(Map.of("onSuspended", "maybe")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("onSuspended");
        assertThatThrownBy(() -> ZkLockOptions.defaults().withUriParameters(Map.of("sessionTimeout", "-1s")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionTimeout");
        assertThatThrownBy(() -> ZkLockOptions.builder().sessionTimeout(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionTimeout");
        assertThatThrownBy(() -> ZkLockOptions.builder().suspendPolicy(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("suspendPolicy");
        assertThatThrownBy(() -> ZkLockOptions.builder().suspendGrace(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("suspendGrace");
        assertThatThrownBy(() -> ZkLockOptions.builder().sessionTimeout(Duration.ofSeconds(5))
                .suspendGrace(Duration.ofSeconds(5)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter than sessionTimeout");
    }
}
