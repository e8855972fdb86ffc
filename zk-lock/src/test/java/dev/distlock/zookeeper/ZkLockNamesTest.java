package dev.distlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.zookeeper.common.PathUtils;
import org.junit.jupiter.api.Test;

class ZkLockNamesTest {
    @Test
    void readableNamesStayReadable() {
        assertThat(ZkLockNames.encode("orders:42")).isEqualTo("orders:42");
        assertThat(ZkLockNames.encode("锁 ünïcødé")).isEqualTo("锁 ünïcødé");
        assertThat(ZkLockNames.encode("a.b..c")).isEqualTo("a.b..c");
    }

    @Test
    void separatorsPercentControlsAndDotNamesAreEscaped() {
        assertThat(ZkLockNames.encode("a/b")).isEqualTo("a%2Fb");
        assertThat(ZkLockNames.encode("100%")).isEqualTo("100%25");
        assertThat(ZkLockNames.encode("x\u0000y\n")).isEqualTo("x%00y%0A");
        assertThat(ZkLockNames.encode("\u007F\u0085")).isEqualTo("%7F%85");
        assertThat(ZkLockNames.encode(".")).isEqualTo("%2E");
        assertThat(ZkLockNames.encode("..")).isEqualTo("%2E%2E");
        assertThat(ZkLockNames.encode("🔒")).isEqualTo("%uD83D%uDD12");
        assertThat(ZkLockNames.encode("\uE000\uFFF0")).isEqualTo("%uE000%uFFF0");
    }

    @Test
    void everyEncodingIsAValidZooKeeperComponentAndDecodesBack() {
        List<String> names = List.of("a/b/c", "/", "ünïcødé ✓ 锁 🔒", "..\u0000x", "*?[]{} spaces ", ".", "..", "...",
                "%", "%25", "%u0041", "\uD800", "\uDFFF\uD800", "zookeeper", "x".repeat(1024), "\t\r\n", "\u00A0");
        for (String n : names) {
            String c = ZkLockNames.encode(n);
            assertThat(c).doesNotContain("/");
            PathUtils.validatePath("/ns/locks/" + c);
            assertThat(ZkLockNames.decode(c)).as("round trip of %s", n).isEqualTo(n);
        }
    }

    @Test
    void randomStringsRoundTripAndStayDistinct() {
        Random random = new Random(42);
        Set<String> components = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            char[] chars = new char[1 + random.nextInt(12)];
            for (int k = 0; k < chars.length; k++) {
                // mostly the interesting ranges: ASCII, controls, surrogates, private use, specials
                int pick = random.nextInt(4);
                chars[k] = (char) switch (pick) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> 0xD800 + random.nextInt(0x800);
                    case 2 -> 0xF000 + random.nextInt(0x1000);
                    default -> random.nextInt(0x10000);
                };
            }
            String name = new String(chars);
            String c = ZkLockNames.encode(name);
            PathUtils.validatePath("/n/" + c);
            assertThat(ZkLockNames.decode(c)).isEqualTo(name);
            if (names.add(name)) {
                assertThat(components.add(c)).as("distinct names give distinct components: %s", c).isTrue();
            }
        }
    }

    @Test
    void malformedComponentsAreRejected() {
        assertThatThrownBy(() -> ZkLockNames.decode("%4")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> ZkLockNames.decode("%zz")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad");
        assertThatThrownBy(() -> ZkLockNames.decode("%41")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("canonical");
        assertThatThrownBy(() -> ZkLockNames.decode("a\u0001")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unescaped");
        assertThatThrownBy(() -> ZkLockNames.decode("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ZkLockNames.encode("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lockName");
        assertThatThrownBy(() -> ZkLockNames.encode(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namespacesAreCheckedAndDefaulted() {
        assertThat(ZkLockNames.namespaceRoot("")).isEqualTo("/distlock");
        assertThat(ZkLockNames.namespaceRoot("/")).isEqualTo("/distlock");
        assertThat(ZkLockNames.namespaceRoot("/app/locks/")).isEqualTo("/app/locks");
        assertThat(ZkLockNames.lockPath("/app", "a/b")).isEqualTo("/app/locks/a%2Fb");
        assertThatThrownBy(() -> ZkLockNames.namespaceRoot("/a//b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace");
        assertThatThrownBy(() -> ZkLockNames.namespaceRoot("/a/../b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ZkLockNames.namespaceRoot("/zookeeper/x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> ZkLockNames.namespaceRoot("/a\u0001")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sequenceNumbersAreReadFromLockNodesOnly() {
        assertThat(ZkLockNames.sequenceOf("lk-abc-1-0000000042")).isEqualTo(42);
        assertThat(ZkLockNames.sequenceOf("lk-abc-1-000000004x")).isEqualTo(-1);
        assertThat(ZkLockNames.sequenceOf("_c_1234-lock-0000000001")).isEqualTo(-1);
        assertThat(ZkLockNames.sequenceOf("lk-0000000001")).isEqualTo(-1);
    }
}
