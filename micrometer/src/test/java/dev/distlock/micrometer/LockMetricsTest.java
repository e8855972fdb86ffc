package dev.distlock.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockClock;
import dev.distlock.LockConfig;
import dev.distlock.Mutex;
import dev.distlock.memory.MemoryLockStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LockMetricsTest {
    private final String store = "metrics-" + System.nanoTime();
    private LockClient client;
    private LockClient other;
    private SimpleMeterRegistry registry;

    @BeforeEach
    void setUp() {
        client = LockClients.connect("memory://" + store, LockConfig.builder().leaseTime(Duration.ofMillis(300)).build());
        other = LockClients.connect("memory://" + store);
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void tearDown() {
        client.close();
        other.close();
        registry.close();
    }

    private Timer timer(String name, String... tags) {
        return registry.find(name).tags(tags).timer();
    }

    @Test
    void acquisitionsHoldsFailuresAndLossesAreRecordedPerLockName() throws Exception {
        LockMetrics metrics = LockMetrics.builder(client).tags(Tags.of("client", "orders")).build();
        metrics.bindTo(registry);

        Mutex a = client.mutex("a");
        a.lock();
        assertThat(registry.find("distlock.locks.held").gauge().value()).isEqualTo(1.0);
        a.unlock();
        assertThat(timer("distlock.acquire", "lock", "a", "outcome", "acquired", "backend", "memory", "client", "orders")
                .count()).isEqualTo(1);
        assertThat(timer("distlock.held", "lock", "a").count()).isEqualTo(1);
        assertThat(registry.find("distlock.locks.held").gauge().value()).isZero();

        other.mutex("busy").lock();
        assertThat(client.mutex("busy").tryLock(Duration.ofMillis(20))).isFalse();
        Timer timedOut = timer("distlock.acquire", "lock", "busy", "outcome", "timed_out");
        assertThat(timedOut.count()).isEqualTo(1);
        assertThat(timedOut.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(15);

        Mutex l = client.mutex("lost");
        l.lock();
        assertThat(MemoryLockStore.named(store, LockClock.system()).forceRelease("lost")).isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
            Counter c = registry.find("distlock.lease.lost").tags("lock", "lost", "reason", "renewal_rejected").counter();
            return c != null && c.count() == 1;
        });
        metrics.close();
    }

    @Test
    void distinctLockTagsAreCappedAndMapped() {
        LockMetrics metrics = LockMetrics.builder(client).maxLockNames(2)
                .lockNameTag(n -> n.indexOf(':') < 0 ? n : n.substring(0, n.indexOf(':'))).build();
        metrics.bindTo(registry);
        for (String name : new String[] {"stock:1", "stock:2", "order:1", "user:1", "cart:9", "stock:3"}) {
            Mutex m = client.mutex(name);
            m.lock();
            m.unlock();
        }
        assertThat(timer("distlock.acquire", "lock", "stock").count()).isEqualTo(3);
        assertThat(timer("distlock.acquire", "lock", "order").count()).isEqualTo(1);
        assertThat(timer("distlock.acquire", "lock", LockMetrics.OTHER).count()).isEqualTo(2);
        assertThat(registry.find("distlock.acquire").timers()).extracting(t -> t.getId().getTag("lock"))
                .containsOnly("stock", "order", "other");
        metrics.close();
    }

    @Test
    void closeStopsRecording() {
        LockMetrics metrics = LockMetrics.of(client);
        metrics.bindTo(registry);
        Mutex m = client.mutex("x");
        m.lock();
        m.unlock();
        metrics.close();
        metrics.close();
        m.lock();
        m.unlock();
        assertThat(timer("distlock.acquire", "lock", "x").count()).isEqualTo(1);
        assertThatThrownBy(() -> metrics.bindTo(registry)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badSettingsAreRejected() {
        assertThatThrownBy(() -> LockMetrics.builder(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LockMetrics.builder(client).maxLockNames(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLockNames");
        assertThatThrownBy(() -> LockMetrics.builder(client).tags(Tags.of("lock", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> LockMetrics.builder(client).lockNameTag(null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
