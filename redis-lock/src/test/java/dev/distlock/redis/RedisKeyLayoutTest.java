package dev.distlock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.cluster.SlotHash;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedisKeyLayoutTest {
    private final RedisKeyLayout layout = RedisKeyLayout.defaults();

    @Test
    void keysOfAPlainNameAreReadable() {
        assertThat(layout.lockKey("orders:42")).isEqualTo("distlock:{orders:42}");
        assertThat(layout.fenceKey("orders:42")).isEqualTo("distlock:{orders:42}:fence");
        assertThat(layout.channel("orders:42")).isEqualTo("distlock:{orders:42}:wake");
        assertThat(layout.queueKey("orders:42")).isEqualTo("distlock:{orders:42}:queue");
        assertThat(layout.clientChannel("orders:42", "c1")).isEqualTo("distlock:{orders:42}:wake:c1");
        assertThat(RedisKeyLayout.withPrefix("").lockKey("x")).isEqualTo("{x}");
        assertThat(RedisKeyLayout.withPrefix("app:").fenceKey("x")).isEqualTo("app:{x}:fence");
    }

    @Test
    void bracesAndPercentAreEscapedSoTheHashTagIsTheWholeName() {
        assertThat(layout.lockKey("{a}")).isEqualTo("distlock:{%7Ba%7D}");
        assertThat(layout.lockKey("}")).isEqualTo("distlock:{%7D}");
        assertThat(layout.lockKey("100%")).isEqualTo("distlock:{100%25}");
    }

    @Test
    void bothKeysOfEveryNameShareOneClusterSlot() {
        List<String> names = List.of("a", "}", "{", "}{", "{}", "x{y}z", "%7B", "ünï 锁 🔒", "a\u0000b", " ", "%");
        for (String n : names) {
            assertThat(SlotHash.getSlot(layout.fenceKey(n))).as("slot of fence key of '%s'", n)
                    .isEqualTo(SlotHash.getSlot(layout.lockKey(n)));
        }
    }

    @Test
    void differentNamesNeverShareAKey() {
        List<String> names = List.of("{a}", "%7Ba%7D", "%7Ba}", "a", "a}", "a:fence", "a}:fence", "%", "%25", "");
        Set<String> keys = new HashSet<>();
        for (String n : names) {
            keys.add(layout.lockKey(n));
            keys.add(layout.fenceKey(n));
        }
        assertThat(keys).hasSize(2 * names.size());
    }

    @Test
    void badPrefixesAreRejectedWithTheRule() {
        assertThatThrownBy(() -> RedisKeyLayout.withPrefix(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> RedisKeyLayout.withPrefix("a{b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'{'");
        assertThatThrownBy(() -> RedisKeyLayout.withPrefix("a}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisKeyLayout.withPrefix("a\nb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control");
        assertThatThrownBy(() -> RedisKeyLayout.withPrefix("p".repeat(RedisKeyLayout.MAX_PREFIX_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most");
        assertThatThrownBy(() -> layout.lockKey(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void layoutsCompareByPrefix() {
        assertThat(RedisKeyLayout.withPrefix("distlock:")).isSameAs(RedisKeyLayout.defaults());
        assertThat(RedisKeyLayout.withPrefix("x:")).isEqualTo(RedisKeyLayout.withPrefix("x:"))
                .hasSameHashCodeAs(RedisKeyLayout.withPrefix("x:")).isNotEqualTo(layout);
        assertThat(RedisKeyLayout.withPrefix("x:").toString()).contains("x:");
    }
}
