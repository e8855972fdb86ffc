package dev.distlock.embedded;

import static dev.distlock.embedded.RawRedis.bulk;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RESP parsing: fragments, pipelines, inline commands and bad input. */
class ProtocolTest {
    static EmbeddedRedisServer server;

    @BeforeAll
    static void start() {
        server = EmbeddedRedisServer.builder().build().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void commandsSplitAcrossReadsAreReassembled() {
        try (RawRedis r = new RawRedis(server)) {
            byte[] cmd = "*3\r\n$3\r\nSET\r\n$5\r\nfrag!\r\n$11\r\nhello world\r\n*2\r\n$3\r\nGET\r\n$5\r\nfrag!\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1);
            for (byte b : cmd) {
                r.raw(new byte[] {b});
            }
            assertThat(r.read()).isEqualTo("+OK\r\n");
            assertThat(r.read()).isEqualTo(bulk("hello world"));
        }
    }

    @Test
    void aLongPipelineGetsEveryReplyInOrder() {
        try (RawRedis r = new RawRedis(server)) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 5000; i++) {
                sb.append("*2\r\n$4\r\nINCR\r\n$4\r\npipe\r\n");
            }
            r.raw(sb.toString());
            for (int i = 1; i <= 5000; i++) {
                assertThat(r.read()).isEqualTo(":" + i + "\r\n");
            }
        }
    }

    @Test
    void binarySafeValues() {
        try (RawRedis r = new RawRedis(server)) {
            byte[] value = new byte[70_000];
            ThreadLocalRandom.current().nextBytes(value);
            String v = new String(value, StandardCharsets.ISO_8859_1);
            r.raw("*3\r\n$3\r\nSET\r\n$3\r\nbin\r\n$" + value.length + "\r\n" + v + "\r\n");
            assertThat(r.read()).isEqualTo("+OK\r\n");
            r.raw("*2\r\n$3\r\nGET\r\n$3\r\nbin\r\n");
            assertThat(r.read()).isEqualTo("$70000\r\n" + v + "\r\n");
        }
    }

    @Test
    void inlineCommands() {
        try (RawRedis r = new RawRedis(server)) {
            r.raw("PING\r\n");
            assertThat(r.read()).isEqualTo("+PONG\r\n");
            r.raw("PING\n\r\n\r\nset inline \"a b\\x41\\n\"\r\nget inline\r\nset q 'it''s'\r\n");
            assertThat(r.read()).isEqualTo("+PONG\r\n");
            assertThat(r.read()).isEqualTo("+OK\r\n");
            assertThat(r.read()).isEqualTo(bulk("a bA\n"));
            assertThat(r.read()).isEqualTo("-ERR Protocol error: unbalanced quotes in request\r\n");
            assertThat(r.closedByServer()).isTrue();
        }
    }

    @Test
    void emptyMultibulkIsIgnored() {
        try (RawRedis r = new RawRedis(server)) {
            r.raw("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n");
            assertThat(r.read()).isEqualTo("+PONG\r\n");
        }
    }

    private static void assertProtocolError(String input, String error) {
        try (RawRedis r = new RawRedis(server)) {
            r.raw(input);
            assertThat(r.read()).isEqualTo("-ERR Protocol error: " + error + "\r\n");
            assertThat(r.closedByServer()).isTrue();
        }
    }

    @Test
    void protocolViolationsGetAnErrorAndACloseConnection() {
        assertProtocolError("*abc\r\n", "invalid multibulk length");
        assertProtocolError("*1048577\r\n", "invalid multibulk length");
        assertProtocolError("*1\r\nfoo\r\n", "expected '$', got 'f'");
        assertProtocolError("*1\r\n$x\r\n", "invalid bulk length");
        assertProtocolError("*2\r\n$3\r\nGET\r\n$536870913\r\n", "invalid bulk length");
        assertProtocolError("*1\r\n$" + "9".repeat(40) + "\r\n", "invalid bulk length");
        assertProtocolError("*1\r\n$-5\r\n", "invalid bulk length");
        assertProtocolError("x".repeat(70_000), "too big inline request");
        assertProtocolError("*1\r\n$" + "1".repeat(70_000), "too big bulk count string");
    }

    @Test
    void validCommandsBeforeAViolationAreAnswered() {
        try (RawRedis r = new RawRedis(server)) {
            r.raw("*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n*1\r\n$4\r\nPING\r\n");
            assertThat(r.read()).isEqualTo("+PONG\r\n");
            assertThat(r.read()).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
            assertThat(r.closedByServer()).isTrue();
        }
    }

    @Test
    void aHugeDeclaredBulkWaitsWithoutAllocatingAndOthersAreServed() {
        try (RawRedis big = new RawRedis(server); RawRedis other = new RawRedis(server)) {
            big.raw("*2\r\n$3\r\nGET\r\n$536870912\r\nabc");
            assertThat(other.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(big.silentFor(100)).isTrue();
        }
    }

    @Test
    void garbageFromOneClientDoesNotDisturbAnother() throws Exception {
        try (RawRedis good = new RawRedis(server)) {
            Thread noise = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    try (RawRedis bad = new RawRedis(server)) {
                        byte[] junk = new byte[1 + ThreadLocalRandom.current().nextInt(2000)];
                        ThreadLocalRandom.current().nextBytes(junk);
                        junk[0] = '*';
                        bad.raw(junk);
                        bad.closedByServer(50);
                    } catch (RuntimeException ignored) {
                        // the server may reset the connection; that is fine
                    }
                }
            });
            noise.start();
            for (int i = 0; i < 500; i++) {
                assertThat(good.call("INCR", "served")).isEqualTo(":" + (i + 1) + "\r\n");
            }
            noise.join(30_000);
            assertThat(noise.isAlive()).isFalse();
            assertThat(good.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void unauthenticatedClientsHaveSmallLimits() {
        try (EmbeddedRedisServer secured = EmbeddedRedisServer.builder().requirePass("s3cret").build().start()) {
            try (RawRedis r = new RawRedis(secured)) {
                r.raw("*20\r\n");
                assertThat(r.read()).isEqualTo("-ERR Protocol error: unauthenticated multibulk length\r\n");
                assertThat(r.closedByServer()).isTrue();
            }
            try (RawRedis r = new RawRedis(secured)) {
                r.raw("*2\r\n$3\r\nGET\r\n$20000\r\n");
                assertThat(r.read()).isEqualTo("-ERR Protocol error: unauthenticated bulk length\r\n");
            }
        }
    }
}
