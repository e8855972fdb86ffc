package dev.distlock.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The extension's scopes, sharing, closing and skipping, partly through JUnit's test kit. */
@ExtendWith(EmbeddedStoreExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedStoreExtensionIT {
    private static final String SAMPLE = "embedded.store.sample";

    @EmbeddedStore
    static EmbeddedZooKeeper zk;

    @EmbeddedStore(name = "other")
    RedisProcess other;

    static RedisProcess sharedSeen;
    static RedisProcess freshSeen;

    @Test
    @Order(1)
    void injectsClassScopedAndFreshInstances(EmbeddedZooKeeper param, RedisProcess shared,
                                             @EmbeddedStore(fresh = true) RedisProcess fresh) {
        assertThat(param).isSameAs(zk);
        assertThat(LoopbackPorts.accepting(zk.port(0))).isTrue();
        assertThat(shared.call("PING")).isEqualTo("PONG");
        assertThat(fresh).isNotSameAs(shared);
        assertThat(other).isNotSameAs(shared).isNotSameAs(fresh);
        assertThat(fresh.isRunning()).isTrue();
        sharedSeen = shared;
        freshSeen = fresh;
    }

    @Test
    @Order(2)
    void sharesPerClassAndClosesFreshOnesAfterTheirTest(RedisProcess shared,
                                                         @EmbeddedStore(fresh = true) RedisProcess fresh) {
        assertThat(sharedSeen).as("test 1 ran first").isNotNull();
        assertThat(shared).isSameAs(sharedSeen);
        assertThat(fresh).isNotSameAs(freshSeen);
        assertThat(freshSeen.isRunning()).as("the fresh process of test 1 was closed").isFalse();
    }

    @Test
    @Order(3)
    void closesClassScopedInstancesWhenTheClassFinishes() {
        Sample.seen.clear();
        Events tests = run(Sample.class);
        tests.assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(Sample.seen).hasSize(3);
        assertThat(Sample.seen.get(0)).isSameAs(Sample.seen.get(1)); // static field and parameter share one
        for (Object o : Sample.seen) {
            if (o instanceof RedisProcess r) {
                assertThat(r.isRunning()).isFalse();
            } else {
                EmbeddedZooKeeper z = (EmbeddedZooKeeper) o;
                assertThat(z.isRunning(0)).isFalse();
            }
        }
    }

    @Test
    @Order(4)
    void skipsWithAVisibleReasonWhenRedisServerIsAbsent() {
        RedisProcess.overrideBinaryLookup(Optional.empty());
        Events tests;
        try {
            tests = run(NeedsRealRedis.class);
        } finally {
            RedisProcess.overrideBinaryLookup(null);
        }
        tests.assertStatistics(s -> s.aborted(1).succeeded(1).failed(0));
        assertThat(tests.aborted().stream()
                .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow())
                .map(r -> r.getThrowable().orElseThrow().getMessage()))
                .singleElement().asString().contains("redis-server is not installed");
    }

    @Test
    @Order(5)
    void injectsTheEmbeddedRedisServerAndLettuceAndCuratorShareOneNetty(
            EmbeddedRedisServer redis, @EmbeddedStore(password = "pw") EmbeddedRedisServer secured) throws Exception {
        assertThat(redis).isNotSameAs(secured);
        assertThat(redis.isRunning()).isTrue();
        // Lettuce (Netty 4.2) and ZooKeeper/Curator in one JVM: the clash described in DESIGN.md must not occur
        io.lettuce.core.RedisClient lettuce = io.lettuce.core.RedisClient.create(redis.uri());
        try (io.lettuce.core.api.StatefulRedisConnection<String, String> c = lettuce.connect();
             org.apache.curator.framework.CuratorFramework curator = org.apache.curator.framework.CuratorFrameworkFactory
                     .newClient(zk.connectString(), new org.apache.curator.retry.RetryOneTime(100))) {
            curator.start();
            assertThat(curator.blockUntilConnected(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            curator.create().creatingParentContainersIfNeeded().forPath("/clash/check", "ok".getBytes());
            assertThat(c.sync().set("clash", new String(curator.getData().forPath("/clash/check")))).isEqualTo("OK");
            assertThat(c.sync().get("clash")).isEqualTo("ok");
        } finally {
            lettuce.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
        }
        io.lettuce.core.RedisClient auth = io.lettuce.core.RedisClient.create("redis://:pw@127.0.0.1:" + secured.port());
        try (io.lettuce.core.api.StatefulRedisConnection<String, String> c = auth.connect()) {
            assertThat(c.sync().ping()).isEqualTo("PONG");
        } finally {
            auth.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
        }
    }

    private static Events run(Class<?> sample) {
        System.setProperty(SAMPLE, "true");
        try {
            return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute().testEvents();
        } finally {
            System.clearProperty(SAMPLE);
        }
    }

    /** Run only through the test kit above. */
    @EnabledIfSystemProperty(named = SAMPLE, matches = "true")
    @ExtendWith(EmbeddedStoreExtension.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Sample {
        static final List<Object> seen = new ArrayList<>();

        @EmbeddedStore
        static RedisProcess redis;

        @Test
        @Order(1)
        void first(RedisProcess same) {
            seen.add(redis);
            seen.add(same);
        }

        @Test
        @Order(2)
        void second(EmbeddedZooKeeper zk) {
            assertThat(zk.isRunning(0)).isTrue();
            seen.add(zk);
        }
    }

    /** Run only through the test kit above, with redis-server hidden. */
    @EnabledIfSystemProperty(named = SAMPLE, matches = "true")
    @ExtendWith(EmbeddedStoreExtension.class)
    static class NeedsRealRedis {
        @Test
        void needsIt(RedisProcess redis) {
            throw new AssertionError("must not run without redis-server");
        }

        @Test
        void doesNotNeedIt(EmbeddedZooKeeper zk) {
            assertThat(zk.isRunning(0)).isTrue();
        }
    }
}
