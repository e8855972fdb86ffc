package dev.distlock.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The public lifecycle and the builder's checks. */
class EmbeddedRedisServerTest {
    @Test
    void startsOnAFreePortAndCloses() {
        EmbeddedRedisServer server = EmbeddedRedisServer.builder().build();
        assertThat(server.isRunning()).isFalse();
        assertThat(server.start()).isSameAs(server);
        assertThat(server.start()).isSameAs(server);
        assertThat(server.port()).isPositive();
        assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + server.port());
        assertThat(server.isRunning()).isTrue();
        try (RawRedis r = new RawRedis(server)) {
            assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
        }
        server.close();
        server.close();
        assertThat(server.isRunning()).isFalse();
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTakenPortIsReported() {
        try (EmbeddedRedisServer first = EmbeddedRedisServer.builder().build().start()) {
            EmbeddedRedisServer second = EmbeddedRedisServer.builder().port(first.port()).build();
            assertThatThrownBy(second::start).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(Integer.toString(first.port()));
            second.close();
        }
    }

    @Test
    void aWarmStartAnswersQuickly() {
        EmbeddedRedisServer.builder().build().start().close(); // class loading is not what we measure
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            try (EmbeddedRedisServer s = EmbeddedRedisServer.builder().build().start(); RawRedis r = new RawRedis(s)) {
                assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
                best = Math.min(best, System.nanoTime() - t0);
            }
        }
        // generous: the target is < 100 ms; a shared, loaded machine must not make this flaky
        assertThat(Duration.ofNanos(best)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void builderChecksItsArguments() {
        EmbeddedRedisServer.Builder b = EmbeddedRedisServer.builder();
        assertThatThrownBy(() -> b.port(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> b.port(65536)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> b.bindAddress(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bindAddress");
        assertThatThrownBy(() -> b.requirePass("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requirePass");
        assertThatThrownBy(() -> b.user("a b", "x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user name");
        assertThatThrownBy(() -> b.user("a", "")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password");
        assertThatThrownBy(() -> b.clock(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clock");
        assertThatThrownBy(() -> b.busyThreshold(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("busyThreshold");
        assertThatThrownBy(() -> b.scriptTimeLimit(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scriptTimeLimit");
        assertThatThrownBy(() -> b.databases(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("databases");
    }

    @Test
    void databasesAreConfigurable() {
        try (EmbeddedRedisServer s = EmbeddedRedisServer.builder().databases(2).build().start(); RawRedis r = new RawRedis(s)) {
            assertThat(r.call("SELECT", "1")).isEqualTo("+OK\r\n");
            assertThat(r.call("SELECT", "2")).isEqualTo("-ERR DB index is out of range\r\n");
        }
    }
}
