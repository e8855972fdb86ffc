package dev.distlock.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.LockConfig;
import dev.distlock.redis.RedisLockOptions;
import dev.distlock.spi.LockUri;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisEndpointTest {
    private static RedisEndpoint parse(String uri) {
        return RedisEndpoint.parse(LockUri.parse(uri), RedisLockOptions.defaults());
    }

    private static RedisCredentials creds(RedisURI u) {
        return u.getCredentialsProvider().resolveCredentials().block();
    }

    private static void rejects(String uri, String... fragments) {
        assertThatThrownBy(() -> parse(uri)).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> {
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                    assertThat(e.getMessage()).doesNotContain("s3cret");
                });
    }

    @Test
    void standaloneWithCredentialsAndDatabase() {
        RedisEndpoint e = parse("redis://app:s3cret@10.0.0.5:6380/3?prefix=x:");
        assertThat(e.topology()).isEqualTo(RedisEndpoint.Topology.STANDALONE);
        assertThat(e.backend()).isEqualTo("redis");
        assertThat(e.hosts()).containsExactly(new LockUri.HostPort("10.0.0.5", 6380));
        assertThat(e.database()).isEqualTo(3);
        assertThat(e.user()).isEqualTo("app");
        assertThat(e.hasPassword()).isTrue();
        assertThat(e.tls()).isFalse();
        assertThat(e.options().keyPrefix()).isEqualTo("x:");
        assertThat(e.describe()).isEqualTo("redis at app@10.0.0.5:6380/3").doesNotContain("s3cret");
        assertThat(e.scrub("auth with s3cret failed")).isEqualTo("auth with *** failed");

        LockConfig config = LockConfig.builder().clientName("orders-svc").connectTimeout(Duration.ofSeconds(3)).build();
        RedisURI u = e.redisUri(config);
        assertThat(u.getHost()).isEqualTo("10.0.0.5");
        assertThat(u.getPort()).isEqualTo(6380);
        assertThat(u.getDatabase()).isEqualTo(3);
        assertThat(creds(u).getUsername()).isEqualTo("app");
        assertThat(new String(creds(u).getPassword())).isEqualTo("s3cret");
        assertThat(u.getClientName()).isEqualTo("orders-svc");
        assertThat(u.getTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> e.clusterUris(config)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void defaultPortDatabaseParameterAndPasswordOnly() {
        RedisEndpoint e = parse("redis://:s3cret@localhost?database=5");
        assertThat(e.hosts()).containsExactly(new LockUri.HostPort("localhost", 6379));
        assertThat(e.database()).isEqualTo(5);
        assertThat(e.user()).isNull();
        RedisURI u = e.redisUri(LockConfig.defaults());
        assertThat(creds(u).getUsername()).isNull();
        assertThat(new String(creds(u).getPassword())).isEqualTo("s3cret");
        assertThat(parse("redis://h/").database()).isZero();
    }

    @Test
    void tlsFromSchemeOrParameter() {
        RedisEndpoint e = parse("rediss://h:6390?verifyPeer=none");
        assertThat(e.tls()).isTrue();
        assertThat(e.describe()).startsWith("rediss at h:6390");
        RedisURI u = e.redisUri(LockConfig.defaults());
        assertThat(u.isSsl()).isTrue();
        assertThat(u.getVerifyMode()).isEqualTo(SslVerifyMode.NONE);
        assertThat(parse("redis-cluster://h:1?tls=true").clusterUris(LockConfig.defaults()).get(0).isSsl()).isTrue();
        assertThat(parse("redis://h").redisUri(LockConfig.defaults()).isSsl()).isFalse();
    }

    @Test
    void sentinelWithMasterAndDatabase() {
        RedisEndpoint e = parse("redis-sentinel://s1,s2:26380/mymaster/2?sentinelPassword=s3cret");
        assertThat(e.topology()).isEqualTo(RedisEndpoint.Topology.SENTINEL);
        assertThat(e.backend()).isEqualTo("redis-sentinel");
        assertThat(e.hosts()).containsExactly(new LockUri.HostPort("s1", 26379), new LockUri.HostPort("s2", 26380));
        assertThat(e.masterId()).isEqualTo("mymaster");
        assertThat(e.database()).isEqualTo(2);
        assertThat(e.describe()).contains("mymaster").contains("s1:26379,s2:26380").doesNotContain("s3cret");
        RedisURI u = e.redisUri(LockConfig.defaults());
        assertThat(u.getSentinelMasterId()).isEqualTo("mymaster");
        assertThat(u.getSentinels()).hasSize(2);
        assertThat(u.getSentinels()).allSatisfy(s -> assertThat(new String(creds(s).getPassword())).isEqualTo("s3cret"));
    }

    @Test
    void clusterWithSeeds() {
        RedisEndpoint e = parse("redis-cluster://a:7000,b,[::1]:7002");
        assertThat(e.topology()).isEqualTo(RedisEndpoint.Topology.CLUSTER);
        assertThat(e.backend()).isEqualTo("redis-cluster");
        List<RedisURI> seeds = e.clusterUris(LockConfig.defaults());
        assertThat(seeds).extracting(RedisURI::getPort).containsExactly(7000, 6379, 7002);
        assertThat(seeds.get(2).getHost()).isEqualTo("::1");
        assertThat(e.describe()).isEqualTo("redis-cluster at a:7000,b:6379,[::1]:7002");
        assertThatThrownBy(() -> e.redisUri(LockConfig.defaults())).isInstanceOf(IllegalStateException.class);
        assertThat(parse("redis-cluster://a?database=0").database()).isZero();
    }

    @Test
    void badUrisNameThePartAndTheRule() {
        rejects("redis://", "at least one host");
        rejects("redis://a:1,b:2", "exactly one host");
        rejects("redis://:s3cret@h/x", "database");
        rejects("redis://h/-1", "database");
        rejects("redis://h/1/2", "path");
        rejects("redis://h/1?database=2", "database is given twice");
        rejects("redis-sentinel://h:1", "master");
        rejects("redis-sentinel://h:1/m/1/2", "master");
        rejects("redis-cluster://h:1/2", "no path");
        rejects("redis-cluster://h:1?database=3", "database must be 0");
        rejects("redis://h?prefx=1", "unknown URI parameter 'prefx'");
        rejects("redis://h?prefix={x}", "prefix");
        rejects("memcached://h", "scheme");
        assertThatThrownBy(() -> RedisEndpoint.parse(null, RedisLockOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisEndpoint.parse(LockUri.parse("redis://h"), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
