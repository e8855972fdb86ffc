package dev.distlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LockConfigTest {
    @Test
    void defaultsAreThirtySecondLeaseRenewedEveryTenSeconds() {
        LockConfig c = LockConfig.defaults();
        assertThat(c.leaseTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.renewInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.commandTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.clientName()).isEqualTo("distlock");
        assertThat(c.clock()).isSameAs(LockClock.system());
    }

    @Test
    void renewIntervalFollowsTheLeaseUnlessSet() {
        assertThat(LockConfig.builder().leaseTime(Duration.ofSeconds(9)).build().renewInterval())
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(LockConfig.builder().leaseTime(Duration.ofSeconds(9)).renewInterval(Duration.ofSeconds(1)).build()
                .renewInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void badValuesAreRejectedNamingTheSettingAndRule() {
        LockConfig.Builder b = LockConfig.builder();
        assertThatThrownBy(() -> b.leaseTime(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaseTime").hasMessageContaining("at least 1ms");
        assertThatThrownBy(() -> b.leaseTime(Duration.ZERO)).hasMessageContaining("leaseTime");
        assertThatThrownBy(() -> b.leaseTime(Duration.ofMillis(-5))).hasMessageContaining("leaseTime");
        assertThatThrownBy(() -> b.leaseTime(Duration.ofDays(366))).hasMessageContaining("at most");
        assertThatThrownBy(() -> b.renewInterval(Duration.ZERO)).hasMessageContaining("renewInterval");
        assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO)).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> b.commandTimeout(null)).hasMessageContaining("commandTimeout");
        assertThatThrownBy(() -> b.clientName("has space")).hasMessageContaining("clientName");
        assertThatThrownBy(() -> b.clientName("")).hasMessageContaining("clientName");
        assertThatThrownBy(() -> b.clock(null)).hasMessageContaining("clock");
        assertThatThrownBy(() -> LockConfig.builder().leaseTime(Duration.ofSeconds(3)).renewInterval(Duration.ofSeconds(3))
                .build()).hasMessageContaining("renewInterval must be shorter than leaseTime");
    }

    @Test
    void toBuilderCopiesAndEqualityIsByValue() {
        LockConfig c = LockConfig.builder().leaseTime(Duration.ofSeconds(4)).clientName("svc-1").build();
        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(c.toBuilder().clientName("svc-2").build()).isNotEqualTo(c);
        assertThat(c.toString()).contains("PT4S").contains("svc-1");
    }
}
