package dev.distlock.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.distlock.bench.internal.Counters;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompareTest {

    @Test
    void quickModeParsesServersAndLists() {
        Compare.Options o = Compare.parse(new String[] {"--quick", "--redis-uri", "redis://127.0.0.1:6379",
            "--zk-uri", "zk://127.0.0.1:2181/ns", "--redlock-uris", "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3",
            "--contenders", "redisson,distlock-redis", "--redis-server", "embedded"});
        assertThat(o.mode()).isEqualTo("quick");
        assertThat(o.budget()).isEqualTo(Duration.ofSeconds(114));
        assertThat(o.prime()).isPositive();
        assertThat(o.servers().redisUri()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(o.servers().zkConnect()).isEqualTo("127.0.0.1:2181");
        assertThat(o.servers().redlockUris()).containsExactly("redis://127.0.0.1:1", "redis://127.0.0.1:2",
                "redis://127.0.0.1:3");
        assertThat(o.servers().redisKind()).isEqualTo(BenchServers.RedisServerKind.EMBEDDED);
        assertThat(o.contenders()).containsExactly(Contender.REDISSON, Contender.DISTLOCK_REDIS);
        assertThat(o.scenarios()).isEqualTo(Compare.QUICK_SCENARIOS).doesNotContain(Scenario.HANDOFF_16_SHARED)
                .contains(Scenario.HANDOFF_4_SHARED, Scenario.HANDOFF_4_PER_CLIENT, Scenario.WAITERS_100);
        assertThat(Compare.parse(new String[] {"--quick", "--scenarios", "handoff_16_shared"}).scenarios())
                .containsExactly(Scenario.HANDOFF_16_SHARED);
        assertThat(Compare.parse(new String[] {}).scenarios()).containsExactly(Scenario.values());
        assertThat(o.primeClients()).isTrue();
        assertThat(o.commandDeltas()).isFalse();
        Compare.Options debug = Compare.parse(new String[] {"--quick", "--no-client-priming", "--command-deltas"});
        assertThat(debug.primeClients()).isFalse();
        assertThat(debug.commandDeltas()).isTrue();
        assertThat(Compare.primeLimit(debug)).isLessThan(Compare.primeLimit(Compare.parse(new String[] {})));
    }

    @Test
    void coordinationScenariosRunOnlyWhereThePrimitiveExists() {
        assertThat(Compare.QUICK_SCENARIOS).contains(Scenario.READ_WRITE_8, Scenario.SEMAPHORE_3_OF_8,
                Scenario.ELECTION_FAILOVER_3);
        assertThat(CoordinationAdapters.supports(Contender.REDISSON, Scenario.READ_WRITE_8)).isTrue();
        assertThat(CoordinationAdapters.supports(Contender.REDISSON, Scenario.ELECTION_FAILOVER_3)).isFalse();
        assertThat(CoordinationAdapters.supports(Contender.DISTLOCK_REDLOCK, Scenario.SEMAPHORE_3_OF_8)).isFalse();
        assertThat(CoordinationAdapters.supports(Contender.DISTLOCK_REDLOCK, Scenario.ELECTION_FAILOVER_3)).isTrue();
        assertThat(CoordinationAdapters.supports(Contender.REDISSON_REDLOCK, Scenario.READ_WRITE_8)).isFalse();
        assertThat(CoordinationAdapters.supports(Contender.REDIS_PING_FLOOR, Scenario.UNCONTENDED_1)).isTrue();
        assertThat(CoordinationAdapters.supports(Contender.REDIS_PING_FLOOR, Scenario.HANDOFF_4_SHARED)).isFalse();
        assertThat(CoordinationAdapters.supports(Contender.REDLOCK_PING_FLOOR, Scenario.UNCONTENDED_1)).isTrue();
        assertThat(CoordinationAdapters.supports(Contender.REDLOCK_PING_FLOOR, Scenario.WAITERS_10)).isFalse();
        assertThat(Contender.REDLOCK_PING_FLOOR.family()).isEqualTo(Contender.Family.REDLOCK);
        assertThat(Contender.REDLOCK_PING_FLOOR.isFloor()).isTrue();
        assertThat(Contender.CURATOR.label(Scenario.ELECTION_FAILOVER_3)).isEqualTo("Curator LeaderLatch");
        assertThat(Contender.REDISSON.label(Scenario.SEMAPHORE_3_OF_8)).isEqualTo("Redisson RPermitExpirableSemaphore");
        assertThat(Contender.REDISSON.label(Scenario.UNCONTENDED_1)).isEqualTo(Contender.REDISSON.label());
    }

    @Test
    void smokeRunsOneScenarioOfEachKindAndFullHasNoBudget() {
        Compare.Options smoke = Compare.parse(new String[] {"--smoke"});
        assertThat(smoke.scenarios()).isEqualTo(Compare.SMOKE_SCENARIOS);
        assertThat(smoke.scenarios()).extracting(Scenario::kind).containsAll(List.of(Scenario.Kind.values()));
        Compare.Options full = Compare.parse(new String[] {});
        assertThat(full.budget()).isNull();
        assertThat(full.held()).isEqualTo(10_000);
        assertThat(Compare.parse(new String[] {"--help"})).isNull();
    }

    @Test
    void targetScenariosRunInRoundsExceptInSmokeOrAlone() {
        Compare.Options quick = Compare.parse(new String[] {"--quick"});
        assertThat(quick.rounds()).isEqualTo(3);
        assertThat(Compare.parse(new String[] {"--smoke"}).rounds()).isEqualTo(1);
        assertThat(Compare.parse(new String[] {"--quick", "--rounds", "5"}).rounds()).isEqualTo(5);
        List<Contender> two = List.of(Contender.DISTLOCK_ZOOKEEPER, Contender.CURATOR);
        assertThat(Compare.rounds(quick, Scenario.UNCONTENDED_1, two)).isEqualTo(3);
        assertThat(Compare.rounds(quick, Scenario.WAITERS_100, two)).as("compares a contender with itself").isEqualTo(1);
        assertThat(Compare.rounds(quick, Scenario.REENTRANT, two)).as("not a target scenario").isEqualTo(1);
        assertThat(Compare.rounds(quick, Scenario.UNCONTENDED_1, List.of(Contender.CURATOR))).as("nothing to compare")
                .isEqualTo(1);
        assertThatThrownBy(() -> Compare.parse(new String[] {"--rounds", "0"})).hasMessageContaining("--rounds");
    }

    @Test
    void badArgumentsNameTheArgumentAndTheRule() {
        assertThatThrownBy(() -> Compare.parse(new String[] {"--held", "0"}))
                .hasMessage("--held must be a positive integer, was '0'");
        assertThatThrownBy(() -> Compare.parse(new String[] {"--redis-uri"})).hasMessage("--redis-uri needs a value");
        assertThatThrownBy(() -> Compare.parse(new String[] {"--redis-uri", "http://x"}))
                .hasMessageContaining("must start with redis://");
        assertThatThrownBy(() -> Compare.parse(new String[] {"--redlock-uris", "a:1,b:2"}))
                .hasMessageContaining("at least 3 nodes");
        assertThatThrownBy(() -> Compare.parse(new String[] {"--contenders", "hazelcast"}))
                .hasMessageContaining("--contenders must be one of");
        assertThatThrownBy(() -> Compare.parse(new String[] {"--frobnicate"})).hasMessageContaining("unknown argument");
    }

    @Test
    void budgetShrinksWindowsProportionallyButNotBelowTheFloors() {
        Harness.Settings full = new Harness.Settings(Duration.ofMillis(300), Duration.ofMillis(800), 1_000,
                Duration.ofMillis(2_100), Duration.ofMillis(200));
        Budget budget = new Budget();
        List<Scenario> ten = java.util.Collections.nCopies(10, Scenario.UNCONTENDED_1);
        // defaults: 0.4 s fixed overhead per point plus 0.03 s per client
        assertThat(budget.fit(full, 100, ten)).isSameAs(full);
        Harness.Settings half = budget.fit(full, 10 * (0.55 + 0.4 + 0.03) + 0.001, ten);
        assertThat(half.warmup()).isEqualTo(Duration.ofMillis(150));
        assertThat(half.measure()).isEqualTo(Duration.ofMillis(400));
        assertThat(half.heldWindow()).isEqualTo(Duration.ofMillis(1_100));
        Harness.Settings floor = budget.fit(full, 1, ten);
        assertThat(floor.warmup()).isEqualTo(Duration.ofMillis(60));
        assertThat(floor.measure()).isEqualTo(Duration.ofMillis(150));
        assertThat(floor.heldLocks()).isEqualTo(1_000);
    }

    @Test
    void budgetLearnsThatManyClientsCostMore() {
        Budget budget = new Budget();
        budget.record(1, 0.2);
        budget.record(4, 0.4);
        budget.record(100, 5.3);
        assertThat(budget.fixed()).isCloseTo(0.3, within(1e-9));
        assertThat(budget.perClient()).isCloseTo(0.05, within(1e-9));
        Harness.Settings full = new Harness.Settings(Duration.ofMillis(300), Duration.ofMillis(700), 1_000,
                Duration.ofMillis(2_000), Duration.ofMillis(200));
        // one 101-client point: 0.3 + 5.05 s overhead + 1 s windows fits in 6.4 s, not in 5.851 s
        assertThat(budget.fit(full, 6.4, List.of(Scenario.WAITERS_100))).isSameAs(full);
        assertThat(budget.fit(full, 5.851, List.of(Scenario.WAITERS_100)).measure()).isEqualTo(Duration.ofMillis(350));
    }

    @Test
    void serverCounterParsers() {
        String info = "# Commandstats\r\ncmdstat_evalsha:calls=10,usec=5,usec_per_call=0.5,rejected_calls=0,"
                + "failed_calls=0\r\ncmdstat_set:calls=7,usec=1\r\ncmdstat_info:calls=99,usec=1\r\n";
        assertThat(Counters.sumCommandStats(info)).isEqualTo(17);
        assertThat(Counters.sumCommandStats("# Commandstats\r\n")).isEqualTo(-1);
        assertThat(Counters.commandStats(info + "cmdstat_client|setinfo:calls=2,usec=1\r\n"))
                .containsExactly(java.util.Map.entry("client|setinfo", 2L), java.util.Map.entry("evalsha", 10L),
                        java.util.Map.entry("set", 7L));
        assertThat(Counters.infoNumber("# CPU\r\nused_cpu_sys:1.25\r\nused_cpu_user:0.5\r\n", "used_cpu_user"))
                .isEqualTo(0.5);
        assertThat(Counters.infoNumber("x:1", "missing")).isNaN();
        assertThat(Counters.zkReceived("Zookeeper version: 3.9.3\nLatency min/avg/max: 0/0.1/3\nReceived: 1234\n"
                + "Sent: 1233\n")).isEqualTo(1234);
        assertThat(Counters.zkReceived("This ZooKeeper instance is not currently serving requests")).isEqualTo(-1);
    }
}
