package dev.distlock.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link RedisProcess} against Debian's redis-server. */
class RedisProcessIT {

    @BeforeAll
    static void needsBinary() {
        assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed: RedisProcess tests skipped");
    }

    @Test
    void startsOnAFreeLoopbackPortAndCleansUpOnClose() throws Exception {
        long t0 = System.nanoTime();
        RedisProcess redis = RedisProcess.builder().build().start();
        System.out.printf("RedisProcess started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        long pid;
        Path dir;
        try (redis) {
            assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(redis.call("PING")).isEqualTo("PONG");
            assertThat(redis.call("CONFIG", "GET", "bind")).isEqualTo(List.of("bind", "127.0.0.1"));
            assertThat(redis.call("CONFIG", "GET", "save")).isEqualTo(List.of("save", ""));
            pid = redis.pid();
            dir = redis.directory();
            assertThat(dir).isDirectory();
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(dir).doesNotExist();
        assertThat(LoopbackPorts.accepting(redis.port())).isFalse();
        assertThatThrownBy(redis::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void restartKeepsOrDropsTheDataOnTheSamePort() {
        try (RedisProcess redis = RedisProcess.startDefault()) {
            int port = redis.port();
            redis.call("SET", "k", "v");
            redis.restart(true);
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.call("GET", "k")).isEqualTo("v");
            redis.restart(false);
            assertThat(redis.call("GET", "k")).isNull();
        }
    }

    @Test
    void appendOnlyFileSurvivesACrash() {
        try (RedisProcess redis = RedisProcess.builder().appendOnly(true).build().start()) {
            redis.call("SET", "durable", "yes");
            long pid = redis.pid();
            redis.kill();
            assertThat(redis.isRunning()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            redis.start();
            assertThat(redis.call("GET", "durable")).isEqualTo("yes");
        }
    }

    @Test
    void requirePassIsEnforcedAndPartOfTheUri() throws Exception {
        try (RedisProcess redis = RedisProcess.builder().requirePass("s3cret").build().start()) {
            assertThat(redis.uri()).isEqualTo("redis://:s3cret@127.0.0.1:" + redis.port());
            assertThat(redis.call("PING")).isEqualTo("PONG"); // call() authenticates
            assertThat(rawPing(redis.port(), 2_000)).startsWith("-NOAUTH");
        }
    }

    @Test
    void pauseStallsTheServerAndResumeLetsItAnswer() throws Exception {
        try (RedisProcess redis = RedisProcess.startDefault();
             Socket s = new Socket("127.0.0.1", redis.port())) {
            redis.pause();
            assertThat(redis.isPaused()).isTrue();
            s.setSoTimeout(300);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // a stopped process answers nothing: the 300 ms read timeout is the behaviour under test
            assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
            redis.resume();
            s.setSoTimeout(5_000);
            byte[] reply = new byte[7];
            assertThat(in.readNBytes(reply, 0, 7)).isEqualTo(7);
            assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void aFailedStartReportsTheServerLogAndCleansUp() {
        RedisProcess bad = RedisProcess.builder().config("no-such-directive", "1").startTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(bad::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited at start").hasMessageContaining("no-such-directive");
        assertThat(bad.directory()).doesNotExist();
        assertThat(bad.isRunning()).isFalse();
    }

    @Test
    void theServerDiesWithAJvmKilledWithoutShutdownHooks() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                RedisProcessOrphanMain.class.getName()).redirectErrorStream(true).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()));
            String line;
            long pid = -1;
            Path dir = null;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("PID ")) {
                    String[] parts = line.split(" ");
                    pid = Long.parseLong(parts[1]);
                    dir = Path.of(parts[3]);
                    break;
                }
            }
            assertThat(pid).as("the child JVM started a redis-server").isPositive();
            ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(child.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            server.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS); // the watchdog killed it
            assertThat(server.isAlive()).isFalse();
            Path gone = dir;
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> !java.nio.file.Files.exists(gone)); // and removed its temporary directory
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> RedisProcess.builder().port(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> RedisProcess.builder().config("dir", "/tmp")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("managed");
        assertThatThrownBy(() -> RedisProcess.builder().requirePass("a b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("password");
        assertThatThrownBy(() -> RedisProcess.builder().startTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    }

    static String rawPing(int port, int timeoutMillis) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = s.getInputStream().read()) != '\n' && c >= 0) {
                sb.append((char) c);
            }
            return sb.toString().trim();
        }
    }
}
