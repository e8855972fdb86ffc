package dev.distlock.embedded.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.embedded.resp.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Number parsing and formatting with Redis's rules, glob matching, the reply builder. */
class ArgsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void integersFollowString2ll() {
        assertThat(Args.toLong(b("0"))).isZero();
        assertThat(Args.toLong(b("-17"))).isEqualTo(-17);
        assertThat(Args.toLong(b("9223372036854775807"))).isEqualTo(Long.MAX_VALUE);
        assertThat(Args.toLong(b("-9223372036854775808"))).isEqualTo(Long.MIN_VALUE);
        for (String bad : List.of("", "-", "+1", " 1", "1 ", "01", "-0", "1.0", "9223372036854775808",
                "-9223372036854775809", "abc", "123456789012345678901")) {
            assertThatThrownBy(() -> Args.toLong(b(bad))).as(bad).isSameAs(Errors.NOT_INTEGER);
        }
    }

    @Test
    void doublesFollowStrtodAsRedisChecksIt() {
        assertThat(Args.parseDouble(b("1.5"))).isEqualTo(1.5);
        assertThat(Args.parseDouble(b(".5"))).isEqualTo(0.5);
        assertThat(Args.parseDouble(b("1."))).isEqualTo(1.0);
        assertThat(Args.parseDouble(b("-1e3"))).isEqualTo(-1000);
        assertThat(Args.parseDouble(b("+inf"))).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(Args.parseDouble(b("-Infinity"))).isEqualTo(Double.NEGATIVE_INFINITY);
        for (String bad : List.of("", " 1", "1 ", "nan", "abc", "1e999", "1e-999", "1d", "0x1p3", "--1")) {
            assertThat(Args.parseDouble(b(bad))).as(bad).isNaN();
        }
    }

    @Test
    void doublesAreFormattedLikePercent17g() {
        assertThat(Args.formatDouble(1)).isEqualTo("1");
        assertThat(Args.formatDouble(2.5)).isEqualTo("2.5");
        assertThat(Args.formatDouble(0.1)).isEqualTo("0.10000000000000001");
        assertThat(Args.formatDouble(1e20)).isEqualTo("1e+20");
        assertThat(Args.formatDouble(1.5e-7)).isEqualTo("1.4999999999999999e-07");
        assertThat(Args.formatDouble(123456789012345678.0)).isEqualTo("1.2345678901234568e+17");
        assertThat(Args.formatDouble(Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(Args.formatDouble(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(Args.formatDouble(-3)).isEqualTo("-3");
    }

    @Test
    void globMatching() {
        assertThat(Glob.matches(b("*"), b(""))).isTrue();
        assertThat(Glob.matches(b("a*c"), b("abbbc"))).isTrue();
        assertThat(Glob.matches(b("a?c"), b("abc"))).isTrue();
        assertThat(Glob.matches(b("a?c"), b("ac"))).isFalse();
        assertThat(Glob.matches(b("h[ae]llo"), b("hello"))).isTrue();
        assertThat(Glob.matches(b("h[^e]llo"), b("hello"))).isFalse();
        assertThat(Glob.matches(b("h[a-c]llo"), b("hbllo"))).isTrue();
        assertThat(Glob.matches(b("a\\*"), b("a*"))).isTrue();
        assertThat(Glob.matches(b("a\\*"), b("ab"))).isFalse();
        assertThat(Glob.matches(b("news.*"), b("news.today"))).isTrue();
    }

    @Test
    void replyBuilderLowersResp3KindsForResp2() {
        ReplyBuilder two = new ReplyBuilder(false);
        two.map(1);
        two.bulk("f");
        two.dbl(1.5);
        Reply lowered = two.take();
        assertThat(lowered).isInstanceOf(Reply.ArrayReply.class);
        assertThat(((Reply.ArrayReply) lowered).items()).extracting(x -> new String(((Reply.BulkReply) x).data(),
                StandardCharsets.UTF_8)).containsExactly("f", "1.5");
        ReplyBuilder three = new ReplyBuilder(true);
        three.map(1);
        three.bulk("f");
        three.array(0);
        Reply r = three.take();
        assertThat(r).isInstanceOf(Reply.MapReply.class);
        assertThat(((Reply.MapReply) r).keysAndValues()).hasSize(2);
        assertThatThrownBy(three::take).isInstanceOf(IllegalStateException.class);
    }
}
