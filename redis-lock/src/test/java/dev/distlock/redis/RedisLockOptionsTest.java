package dev.distlock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisLockOptionsTest {
    @Test
    void defaults() {
        RedisLockOptions o = RedisLockOptions.defaults();
        assertThat(o.keyPrefix()).isEqualTo("distlock:");
        assertThat(o.fenceRetention()).isEqualTo(Duration.ofDays(1));
        assertThat(o.tls()).isFalse();
        assertThat(o.peerVerification()).isEqualTo(RedisLockOptions.PeerVerification.FULL);
        assertThat(o.trustedCertificates()).isNull();
        assertThat(o.sentinelPassword()).isNull();
        assertThat(o.clientResources()).isNull();
        assertThat(o.keyLayout()).isEqualTo(RedisKeyLayout.defaults());
    }

    @Test
    void uriParametersOverrideTheBuilder(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        RedisLockOptions base = RedisLockOptions.builder().keyPrefix("base:").fenceRetention(Duration.ofHours(2)).build();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("prefix", "uri:");
        params.put("fenceRetention", "7d");
        params.put("tls", "true");
        params.put("verifyPeer", "ca");
        params.put("caCert", ca.toString());
        params.put("sentinelPassword", "s3cret");
        params.put("database", "2");
        RedisLockOptions o = base.withUriParameters(params);
        assertThat(o.keyPrefix()).isEqualTo("uri:");
        assertThat(o.fenceRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(o.tls()).isTrue();
        assertThat(o.peerVerification()).isEqualTo(RedisLockOptions.PeerVerification.CA);
        assertThat(o.trustedCertificates()).isEqualTo(ca);
        assertThat(o.sentinelPassword()).isEqualTo("s3cret");
        assertThat(o.toString()).doesNotContain("s3cret");
        assertThat(base.withUriParameters(Map.of())).isSameAs(base);
    }

    @Test
    void durationsInSeveralSpellings() {
        assertThat(RedisLockOptions.parseRetention("forever")).isEqualTo(RedisLockOptions.KEEP_FOREVER);
        assertThat(RedisLockOptions.parseRetention("0")).isEqualTo(Duration.ZERO);
        assertThat(RedisLockOptions.parseRetention("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(RedisLockOptions.parseRetention("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(RedisLockOptions.parseRetention("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(RedisLockOptions.parseRetention("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(RedisLockOptions.parseRetention("PT3H")).isEqualTo(Duration.ofHours(3));
        assertThatThrownBy(() -> RedisLockOptions.parseRetention("soon")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fenceRetention").hasMessageContaining("soon");
    }

    @Test
    void badValuesAreRejectedWithTheirName() {
        RedisLockOptions.Builder b = RedisLockOptions.builder();
        assertThatThrownBy(() -> b.fenceRetention(Duration.ofMillis(999))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fenceRetention");
        assertThatThrownBy(() -> b.fenceRetention(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.fenceRetention(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.keyPrefix("{x}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> b.peerVerification(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("peerVerification");
        assertThatThrownBy(() -> b.trustedCertificates(Path.of("/no/such/ca.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("caCert");
        assertThatThrownBy(() -> b.sentinelPassword("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sentinelPassword");
        RedisLockOptions o = RedisLockOptions.defaults();
        assertThatThrownBy(() -> o.withUriParameters(Map.of("prefx", "a"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefx").hasMessageContaining("prefix");
        assertThatThrownBy(() -> o.withUriParameters(Map.of("tls", "maybe"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls");
        assertThatThrownBy(() -> o.withUriParameters(Map.of("verifyPeer", "half")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("verifyPeer");
        assertThat(RedisLockOptions.builder().fenceRetention(RedisLockOptions.KEEP_FOREVER).build().fenceRetention())
                .isZero();
    }

    @Test
    void toBuilderCopiesEverything() {
        RedisLockOptions o = RedisLockOptions.builder().keyPrefix("p:").tls(true).sentinelPassword("pw")
                .peerVerification(RedisLockOptions.PeerVerification.NONE).build();
        RedisLockOptions copy = o.toBuilder().build();
        assertThat(copy.keyPrefix()).isEqualTo("p:");
        assertThat(copy.tls()).isTrue();
        assertThat(copy.sentinelPassword()).isEqualTo("pw");
        assertThat(copy.peerVerification()).isEqualTo(RedisLockOptions.PeerVerification.NONE);
    }

    @Test
    void replicaAcknowledgementsAreOffByDefaultAndSetByBuilderOrUri() {
        assertThat(RedisLockOptions.defaults().minReplicaAcks()).isZero();
        assertThat(RedisLockOptions.defaults().replicaAckTimeout()).isEqualTo(Duration.ofMillis(500));
        RedisLockOptions built = RedisLockOptions.builder().minReplicaAcks(2).replicaAckTimeout(Duration.ofMillis(80))
                .build();
        assertThat(built.minReplicaAcks()).isEqualTo(2);
        assertThat(built.replicaAckTimeout()).isEqualTo(Duration.ofMillis(80));
        assertThat(built.toBuilder().build().minReplicaAcks()).isEqualTo(2);
        assertThat(built.toString()).contains("minReplicaAcks=2").contains("replicaAckTimeout=PT0.08S");
        RedisLockOptions fromUri = RedisLockOptions.defaults()
                .withUriParameters(Map.of("minReplicaAcks", "1", "replicaAckTimeout", "250ms"));
        assertThat(fromUri.minReplicaAcks()).isEqualTo(1);
        assertThat(fromUri.replicaAckTimeout()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void badReplicaAcknowledgementSettingsAreRejectedWithTheirName() {
        RedisLockOptions.Builder b = RedisLockOptions.builder();
        assertThatThrownBy(() -> b.minReplicaAcks(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minReplicaAcks").hasMessageContaining("between 0 and 100");
        assertThatThrownBy(() -> b.minReplicaAcks(101)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minReplicaAcks");
        assertThatThrownBy(() -> b.replicaAckTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicaAckTimeout").hasMessageContaining("at least 1ms");
        assertThatThrownBy(() -> b.replicaAckTimeout(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicaAckTimeout");
        RedisLockOptions o = RedisLockOptions.defaults();
        assertThatThrownBy(() -> o.withUriParameters(Map.of("minReplicaAcks", "one")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minReplicaAcks")
                .hasMessageContaining("'one'");
        assertThatThrownBy(() -> o.withUriParameters(Map.of("replicaAckTimeout", "soon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicaAckTimeout");
    }

    @Test
    void replicaAcknowledgementsAreRefusedOnClusterAndWithATimeoutNotBelowTheCommandTimeout() {
        // Both are checked before any connection is attempted: nothing listens on port 1.
        assertThatThrownBy(() -> dev.distlock.LockClients.connect("redis-cluster://127.0.0.1:1?minReplicaAcks=1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minReplicaAcks")
                .hasMessageContaining("redis-cluster");
        dev.distlock.LockConfig config = dev.distlock.LockConfig.builder().commandTimeout(Duration.ofSeconds(1)).build();
        assertThatThrownBy(() -> RedisLocks.connect("redis://127.0.0.1:1?minReplicaAcks=1&replicaAckTimeout=1s", config,
                RedisLockOptions.defaults())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicaAckTimeout").hasMessageContaining("commandTimeout");
    }
}
