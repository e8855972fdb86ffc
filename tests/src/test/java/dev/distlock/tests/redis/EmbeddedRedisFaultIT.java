package dev.distlock.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distlock.Mutex;
import dev.distlock.embedded.EmbeddedRedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fault tests on the in-process {@link EmbeddedRedisServer}, hurt through its {@code faults()}. */
class EmbeddedRedisFaultIT extends RedisFaultContract {
    private static EmbeddedRedisServer server;

    @BeforeAll
    static void startServer() {
        server = EmbeddedRedisServer.builder().port(0).build().start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void clearFaults() {
        server.faults().clear();
    }

    @Test
    void aClockStepBackKeepsTokensMonotonicWhileTheCounterSurvives() {
        Mutex m = client().mutex(name);
        m.lock();
        long before = m.fencingToken();
        m.unlock();
        server.faults().skewClock(Duration.ofHours(-1));
        m.lock();
        assertThat(m.fencingToken()).as("token after the server clock stepped back an hour").isEqualTo(before + 1);
        m.unlock();
    }

    /** The documented limit: with the counter lost, tokens rest on the server clock alone. */
    @Test
    void aClockStepBackTogetherWithDataLossBreaksMonotonicity() {
        Mutex m = client().mutex(name);
        m.lock();
        long before = m.fencingToken();
        m.unlock();
        server.faults().restart(false);
        server.faults().skewClock(Duration.ofHours(-1));
        m.lock();
        assertThat(m.fencingToken()).as("token after data loss and a clock an hour behind")
                .isLessThan(before - Duration.ofMinutes(59).toNanos() / 1000);
        m.unlock();
    }

    @Override
    protected String uri() {
        return server.uri();
    }

    @Override
    protected void stall(Duration duration) {
        server.faults().pause(duration);
    }

    @Override
    protected void dropConnections() {
        server.faults().dropConnections();
    }

    @Override
    protected void restartEmpty() {
        server.faults().restart(false);
    }

    @Override
    protected Object call(String... args) {
        return MiniResp.call(server.host(), server.port(), args);
    }
}
