package dev.distlock.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The samples' command lines. */
class OptionsTest {
    @Test
    void flashSaleOptionsParse() {
        FlashSale.Options o = FlashSale.Options.parse("--short", "--uri", "redis://127.0.0.1:6379", "--uri",
                "zk://127.0.0.1:2181", "--window-ms", "2");
        assertThat(o.stock()).isEqualTo(FlashSale.Options.quick().stock());
        assertThat(o.uris()).containsExactly("redis://127.0.0.1:6379", "zk://127.0.0.1:2181");
        assertThat(o.window()).isEqualTo(Duration.ofMillis(2));
        assertThat(FlashSale.Options.parse("", "--stock", "7").stock()).isEqualTo(7);
        assertThat(FlashSale.Options.parse().uris()).isEmpty();
    }

    @Test
    void badFlashSaleOptionsAreRejectedWithTheUsage() {
        assertThatThrownBy(() -> FlashSale.Options.parse("--nope", "1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option --nope").hasMessageContaining("usage");
        assertThatThrownBy(() -> FlashSale.Options.parse("--uri")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing value after --uri");
        assertThatThrownBy(() -> FlashSale.Options.parse("--stock", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--stock needs a whole number");
        assertThatThrownBy(() -> FlashSale.Options.parse("--stock", "0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> FlashSale.Options.parse("--uri", "localhost")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scheme://host:port");
    }

    @Test
    void urisAreNamedByBackend() {
        assertThat(LockServers.of(java.util.List.of("zk://h:1", "redis://h:2", "redis://h:3")).uris())
                .containsOnlyKeys("zookeeper", "redis", "redis-2");
        assertThat(CacheRebuild.Options.parse("--short", "--uri", "redlock://a:1,b:2,c:3").uris()).hasSize(1);
        assertThatThrownBy(() -> CacheRebuild.Options.parse("--what")).isInstanceOf(IllegalArgumentException.class);
    }
}
