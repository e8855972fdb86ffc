package dev.distlock.tests.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The multi-process safety harness on every backend: three worker JVMs × three threads, one
 * round of faults each (short enough for CI), and a check that finds no violation.
 *
 * <p>The long version runs on demand with the same tests and two properties:
 * {@code -Dsafety.duration=10m} (faults keep coming for that long per backend; default: one
 * round) and {@code -Dsafety.backends=redis,redlock,zookeeper} (default: all).
 */
class SafetyIT {
    private static final Duration DURATION = SafetyMain.parseDuration(System.getProperty("safety.duration", "0s"));
    private static final String BACKENDS = System.getProperty("safety.backends", "redis,redlock,zookeeper");

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void redisStaysSafeThroughStopsKillsAndRestarts() throws Exception {
        SafetySummary s = run("redis");
        assertThat(s.faults()).extracting(Fault.Injected::name).contains("sigstop-holder", "kill9-holder",
                "redis-restart-keep-data", "redis-restart-lose-data");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void redlockStaysSafeThroughMinorityAndMajorityFaults() throws Exception {
        SafetySummary s = run("redlock");
        assertThat(s.faults()).extracting(Fault.Injected::name).contains("sigstop-holder", "kill9-holder",
                "redlock-pause-minority", "redlock-partition-minority", "redlock-pause-majority",
                "redlock-partition-majority");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void zooKeeperStaysSafeThroughSessionExpiryAndLeaderLoss() throws Exception {
        SafetySummary s = run("zookeeper");
        assertThat(s.faults()).extracting(Fault.Injected::name).contains("sigstop-holder", "kill9-holder",
                "zk-expire-holder-session", "zk-kill-leader");
    }

    private static SafetySummary run(String backend) throws Exception {
        assumeTrue(Arrays.asList(BACKENDS.split(",")).contains(backend), backend + " not in -Dsafety.backends");
        Path dir = Files.createTempDirectory("distlock-safety-" + backend);
        SafetySummary s;
        try (SafetyBackend b = SafetyBackend.start(backend);
                SafetyRun run = new SafetyRun(b, new SafetyRun.Options(DURATION, 3, 3, Duration.ofSeconds(1), dir))) {
            s = run.run();
        }
        System.out.println(s);
        assertThat(s.check().violations()).as("violations of %s", backend).isEmpty();
        assertThat(s.faults()).as("every fault was injected").noneMatch(f -> f.target().startsWith("failed"));
        assertThat(s.workersStarted()).as("a replacement worker after kill -9").isGreaterThanOrEqualTo(4);
        assertThat(s.holds()).as("critical sections").isGreaterThan(20);
        return s;
    }
}
