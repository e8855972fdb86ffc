package dev.distlock.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.spi.LockUri.HostPort;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockUriTest {
    @Test
    void parsesASingleHostWithCredentialsDatabaseAndParams() {
        LockUri u = LockUri.parse("redis://app:s3cr%40t@cache.local:6380/2?prefix=orders&ssl");
        assertThat(u.scheme()).isEqualTo("redis");
        assertThat(u.user()).isEqualTo("app");
        assertThat(u.password()).isEqualTo("s3cr@t");
        assertThat(u.hosts()).containsExactly(new HostPort("cache.local", 6380));
        assertThat(u.path()).isEqualTo("/2");
        assertThat(u.params()).containsEntry("prefix", "orders").containsEntry("ssl", "");
        assertThat(u.toString()).doesNotContain("s3cr").contains("***");
    }

    @Test
    void parsesSeveralHostsIpv6AndMissingPorts() {
        LockUri u = LockUri.parse("ZK://a:2181,[::1]:2182,c/locks/app");
        assertThat(u.scheme()).isEqualTo("zk");
        assertThat(u.hosts()).containsExactly(new HostPort("a", 2181), new HostPort("::1", 2182), new HostPort("c", -1));
        assertThat(u.hosts().get(2).withDefaultPort(2181)).isEqualTo(new HostPort("c", 2181));
        assertThat(u.hosts().get(1).toString()).isEqualTo("[::1]:2182");
        assertThat(u.path()).isEqualTo("/locks/app");
    }

    @Test
    void passwordOnlyUserInfo() {
        LockUri u = LockUri.parse("redis://:pw@h:1");
        assertThat(u.user()).isNull();
        assertThat(u.password()).isEqualTo("pw");
        LockUri v = LockUri.parse("redis://pw@h:1");
        assertThat(v.user()).isNull();
        assertThat(v.password()).isEqualTo("pw");
    }

    @Test
    void memoryUrisHaveNoHostsOrAName() {
        assertThat(LockUri.parse("memory://").hosts()).isEmpty();
        assertThat(LockUri.parse("memory://orders").hosts()).containsExactly(new HostPort("orders", -1));
    }

    @Test
    void malformedUrisAreRejectedNamingThePart() {
        for (String bad : List.of("", " ", "localhost:6379", "://h:1", "1redis://h")) {
            assertThatThrownBy(() -> LockUri.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("uri");
        }
        assertThatThrownBy(() -> LockUri.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LockUri.parse("redis://h:99999")).hasMessageContaining("port");
        assertThatThrownBy(() -> LockUri.parse("redis://h:abc")).hasMessageContaining("port");
        assertThatThrownBy(() -> LockUri.parse("redis://h:0")).hasMessageContaining("port");
        assertThatThrownBy(() -> LockUri.parse("redis://a:1,,b:2")).hasMessageContaining("empty host");
        assertThatThrownBy(() -> LockUri.parse("redis://[::1:5")).hasMessageContaining("IPv6");
        assertThatThrownBy(() -> LockUri.parse("redis://user:secret@h:abc")).hasMessageNotContaining("secret");
    }
}
