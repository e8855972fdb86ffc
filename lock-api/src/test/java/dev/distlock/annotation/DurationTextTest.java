package dev.distlock.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class DurationTextTest {
    @Test
    void shortAndIsoFormsParse() {
        assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationText.parse(" 2 s ")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationText.parse("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(DurationText.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationText.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(DurationText.parse("10us")).isEqualTo(Duration.ofNanos(10_000));
        assertThat(DurationText.parse("7ns")).isEqualTo(Duration.ofNanos(7));
        assertThat(DurationText.parse("3S")).isEqualTo(Duration.ofSeconds(3));
        assertThat(DurationText.parse("PT2S")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationText.parse("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationText.parse("0s")).isEqualTo(Duration.ZERO);
        assertThat(DurationText.parse("")).isNull();
        assertThat(DurationText.parse("  ")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "2x", "s", "-1s", "1.5s", "P", "PTxS", "two seconds", "999999999999999999d"})
    void everythingElseIsRejected(String text) {
        assertThatThrownBy(() -> DurationText.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void negativeIsoIsRejected() {
        assertThatThrownBy(() -> DurationText.parse("PT-1S")).hasMessageContaining("negative");
    }
}
