package dev.distlock.tests.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.embedded.EmbeddedRedisServer;
import dev.distlock.embedded.EmbeddedZooKeeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Input fuzzing on every backend (in process): odd names, bad durations, random interleavings
 * of lock, re-entry and unlock from three threads. The seed is printed; set
 * {@code -Dfuzz.seed=N} to replay its random choices.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class InputFuzzIT {
    static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    static final LockConfig CONFIG = LockConfig.builder().leaseTime(Duration.ofSeconds(3))
            .commandTimeout(Duration.ofSeconds(5)).build();

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    static InputFuzzer.Report fuzz(String uri, List<AutoCloseable> open) throws Exception {
        return fuzz(uri, open, new InputFuzzer(SEED));
    }

    static InputFuzzer.Report fuzz(String uri, List<AutoCloseable> open, InputFuzzer fuzzer) throws Exception {
        LockClient a = LockClients.connect(uri, CONFIG);
        open.add(a);
        LockClient b = LockClients.connect(uri, CONFIG);
        open.add(b);
        InputFuzzer.Report r = fuzzer.fuzz(a, b, 3, 80);
        System.out.println(a.backend() + " fuzz, seed " + r.seed() + ": " + r.operations() + " operations, outcomes "
                + new java.util.TreeMap<>(r.outcomes()));
        assertThat(r.problems()).as("departures from the documented behaviour on " + a.backend()).isEmpty();
        assertThat(r.operations()).isGreaterThan(200);
        assertThat(r.outcomes()).containsKeys("mutex:IAE", "wrong-thread-unlock:IMSE", "tryLock(wait):IAE",
                "acquire(0,lease):IAE");
        return r;
    }

    @Test
    void redis() throws Exception {
        EmbeddedRedisServer server = EmbeddedRedisServer.builder().build().start();
        open.add(server);
        fuzz(server.uri(), open);
    }

    @Test
    void redlock() throws Exception {
        StringBuilder uri = new StringBuilder("redlock://");
        for (int i = 0; i < 3; i++) {
            EmbeddedRedisServer server = EmbeddedRedisServer.builder().build().start();
            open.add(server);
            uri.append(i == 0 ? "" : ",").append(server.host()).append(':').append(server.port());
        }
        // Redlock refuses leases that leave under 2 ms of validity after its drift allowance.
        fuzz(uri.toString(), open, new InputFuzzer(SEED, Duration.ofMillis(4)));
    }

    @Test
    void zooKeeper() throws Exception {
        EmbeddedZooKeeper zk = EmbeddedZooKeeper.standalone().start();
        open.add(zk);
        fuzz("zk://" + zk.connectString() + "/fuzz", open);
    }
}
