package dev.distlock.embedded;

import static dev.distlock.embedded.RawRedis.bulk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every fault of {@link RedisFaults}. */
class FaultsTest {
    final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    EmbeddedRedisServer server;

    @BeforeEach
    void start() {
        server = EmbeddedRedisServer.builder().clock(clock).build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * Whether nobody serves the port: the connect is refused or, on network stacks that
     * complete a handshake racing with the listener's close, the connection is reset unanswered.
     */
    private static boolean refused(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2000);
            s.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketException e) { // refused or reset
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void pauseStallsEveryClientThenAnswersEverythingInOrder() {
        try (RawRedis a = new RawRedis(server)) {
            a.call("SET", "k", "1");
            // Long enough that the silence checks below fit inside it even on a loaded machine.
            server.faults().pause(Duration.ofMillis(2000));
            long start = System.nanoTime();
            try (RawRedis b = new RawRedis(server)) {
                a.send("INCR", "k");
                b.send("INCR", "k");
                assertThat(a.silentFor(150)).isTrue();
                assertThat(b.silentFor(50)).isTrue();
                assertThat(a.read()).isEqualTo(":2\r\n");
                assertThat(b.read()).isEqualTo(":3\r\n");
                assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(1_950_000_000L);
            }
        }
    }

    @Test
    void resumeEndsAPauseEarly() {
        try (RawRedis a = new RawRedis(server)) {
            server.faults().pause(Duration.ofMinutes(5));
            a.send("PING");
            assertThat(a.silentFor(100)).isTrue();
            server.faults().resume();
            assertThat(a.read()).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void dropConnectionsClosesEveryClientButKeepsServing() {
        try (RawRedis a = new RawRedis(server); RawRedis b = new RawRedis(server)) {
            a.call("SET", "k", "v");
            b.call("PING");
            assertThat(server.faults().dropConnections()).isEqualTo(2);
            assertThat(a.closedByServer()).isTrue();
            assertThat(b.closedByServer()).isTrue();
        }
        try (RawRedis c = new RawRedis(server)) {
            assertThat(c.call("GET", "k")).isEqualTo(bulk("v"));
        }
    }

    @Test
    void refuseConnectionsIsAPartitionForNewClients() {
        try (RawRedis a = new RawRedis(server)) {
            assertThat(a.call("PING")).isEqualTo("+PONG\r\n"); // accepted before the fault
            server.faults().refuseConnections();
            assertThat(refused(server.port())).isTrue();
            assertThat(a.call("PING")).isEqualTo("+PONG\r\n");
            server.faults().acceptConnections();
            try (RawRedis b = new RawRedis(server)) {
                assertThat(b.call("PING")).isEqualTo("+PONG\r\n");
            }
            server.faults().partition();
            assertThat(a.closedByServer()).isTrue();
            assertThat(refused(server.port())).isTrue();
            server.faults().clear();
            try (RawRedis b = new RawRedis(server)) {
                assertThat(b.call("PING")).isEqualTo("+PONG\r\n");
            }
        }
    }

    @Test
    void stopAndRestartOnTheSamePortKeepingOrLosingData() {
        int port = server.port();
        try (RawRedis a = new RawRedis(server)) {
            a.call("SET", "k", "v");
            server.faults().stop();
            assertThat(server.isRunning()).isFalse();
            assertThat(a.closedByServer()).isTrue();
            assertThat(refused(port)).isTrue();
            server.faults().clear(); // clearing faults does not restart a stopped server
            assertThat(server.isRunning()).isFalse();
        }
        server.faults().restart(true);
        assertThat(server.port()).isEqualTo(port);
        try (RawRedis b = new RawRedis(server)) {
            assertThat(b.call("GET", "k")).isEqualTo(bulk("v"));
            server.faults().restart(false);
            assertThat(b.closedByServer()).isTrue();
        }
        try (RawRedis c = new RawRedis(server)) {
            assertThat(c.call("GET", "k")).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void latencyDelaysRepliesButKeepsTheirOrder() {
        try (RawRedis a = new RawRedis(server)) {
            // A latency far above a loaded machine's round trip, so the two cases cannot overlap.
            server.faults().latency(Duration.ofMillis(1000));
            long start = System.nanoTime();
            a.send("INCR", "n");
            a.send("INCR", "n");
            assertThat(a.read()).isEqualTo(":1\r\n");
            assertThat(a.read()).isEqualTo(":2\r\n");
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(990_000_000L);
            server.faults().latency(Duration.ZERO);
            start = System.nanoTime();
            assertThat(a.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(System.nanoTime() - start).isLessThan(700_000_000L);
        }
    }

    @Test
    void loweringTheLatencyDoesNotLetANewReplyOvertakeAHeldOne() {
        try (RawRedis a = new RawRedis(server)) {
            server.faults().latency(Duration.ofMillis(2000));
            a.send("INCR", "n");
            // The reply being held back is the behaviour under test; meanwhile the server runs the
            // INCR (were it slower than that, the test would pass without exercising the order).
            assertThat(a.silentFor(300)).isTrue();
            server.faults().latency(Duration.ZERO);
            a.send("PING");
            assertThat(a.read()).as("the held reply comes first").isEqualTo(":1\r\n");
            assertThat(a.read()).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void repliesQueuedBehindAHeldOneAllKeepTheirOrder() {
        try (RawRedis a = new RawRedis(server)) {
            server.faults().latency(Duration.ofMillis(1500));
            a.send("INCR", "n");
            assertThat(a.silentFor(300)).isTrue();
            server.faults().latency(Duration.ZERO);
            // Each INCR arrives in its own read, so each reply is queued behind the held one with
            // the same deadline; a timer per reply could swap two of them.
            for (int i = 0; i < 200; i++) {
                a.send("INCR", "n");
            }
            for (int i = 1; i <= 201; i++) {
                assertThat(a.read()).as("reply %d", i).isEqualTo(":" + i + "\r\n");
            }
        }
    }

    @Test
    void failNextFailsExactlyNCommands() {
        try (RawRedis a = new RawRedis(server)) {
            server.faults().failNext(2, "LOADING Redis is loading the dataset in memory");
            assertThat(a.call("PING")).isEqualTo("-LOADING Redis is loading the dataset in memory\r\n");
            assertThat(a.call("SET", "k", "v")).isEqualTo("-LOADING Redis is loading the dataset in memory\r\n");
            assertThat(a.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(a.call("EXISTS", "k")).isEqualTo(":0\r\n");
        }
    }

    @Test
    void failNextCanTargetOneCommand() {
        try (RawRedis a = new RawRedis(server)) {
            server.faults().failNext(1, "set", "-ERR injected");
            assertThat(a.call("GET", "k")).isEqualTo("$-1\r\n");
            assertThat(a.call("SET", "k", "v")).isEqualTo("-ERR injected\r\n");
            assertThat(a.call("SET", "k", "v")).isEqualTo("+OK\r\n");
        }
    }

    @Test
    void advancingTheClockExpiresKeysAtOnce() {
        try (RawRedis a = new RawRedis(server)) {
            a.call("SET", "k", "v", "EX", "10");
            a.call("SET", "keep", "v", "EX", "100");
            server.faults().advanceClock(Duration.ofSeconds(10));
            // DBSIZE does not expire lazily: the key is already deleted
            assertThat(a.call("DBSIZE")).isEqualTo(":1\r\n");
            assertThat(server.faults().clockSkew()).isEqualTo(Duration.ofSeconds(10));
            assertThat(a.call("TTL", "keep")).isEqualTo(":90\r\n");
            server.faults().skewClock(Duration.ofSeconds(-30));
            assertThat(a.call("TTL", "keep")).isEqualTo(":130\r\n");
            server.faults().clear();
            assertThat(a.call("TTL", "keep")).isEqualTo(":100\r\n");
        }
    }

    @Test
    void aClockJumpTimesOutBlockedClients() {
        try (RawRedis a = new RawRedis(server)) {
            a.send("BLPOP", "q", "60");
            assertThat(a.silentFor(100)).isTrue();
            server.faults().advanceClock(Duration.ofMinutes(2));
            assertThat(a.read()).isEqualTo("*-1\r\n");
        }
    }

    @Test
    void faultArgumentsAreChecked() {
        assertThatThrownBy(() -> server.faults().pause(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duration");
        assertThatThrownBy(() -> server.faults().failNext(-1, "ERR x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count");
        assertThatThrownBy(() -> server.faults().failNext(1, "ERR\r\nx"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CR or LF");
        assertThatThrownBy(() -> server.faults().failNext(1, " ", "ERR x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("command");
        assertThatThrownBy(() -> server.faults().latency(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
    }

    @Test
    void manyPausesAndDropsLeaveTheServerHealthy() {
        for (int i = 0; i < 5; i++) {
            server.faults().pause(Duration.ofMillis(20));
            server.faults().dropConnections();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (RawRedis a = new RawRedis(server)) {
                assertThat(a.call("PING")).isEqualTo("+PONG\r\n");
            }
        });
    }
}
