package dev.distlock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
    private static final Machine MACHINE = new Machine(2, 24L << 30, "OpenJDK 17", "Linux 6 amd64");

    private static RunInfo info(List<String> skipped) {
        return new RunInfo("quick", "java -jar benchmarks.jar --quick", Instant.parse("2025-01-02T03:04:05Z"),
                Duration.ofSeconds(90), MACHINE, List.of("Redis 7.0.15 on redis://127.0.0.1:1"),
                List.of("**Windows**: 300 ms"), skipped);
    }

    private static List<String> row(String md, String scenarioTitle, String contender) {
        String section = md.substring(md.indexOf("## " + scenarioTitle + "\n"));
        int end = section.indexOf("\n## ", 3);
        section = end < 0 ? section : section.substring(0, end);
        for (String line : section.split("\n")) {
            if (line.startsWith("| " + contender + " |")) {
                return List.of(line.split(" \\| "));
            }
        }
        throw new AssertionError("no row for " + contender + " in\n" + section);
    }

    @Test
    void tableShowsRatesLatenciesAndRatiosAgainstTheAnchor() {
        List<Result> results = List.of(
                Result.of(Contender.REDISSON, Scenario.UNCONTENDED_1, 2_000, 400_000, 1_200_000).withCommandsPerOp(9),
                Result.of(Contender.DISTLOCK_REDIS, Scenario.UNCONTENDED_1, 5_000, 150_000, 300_000).withCommandsPerOp(4),
                Result.of(Contender.CURATOR, Scenario.UNCONTENDED_1, 500, 1_500_000, 4_000_000),
                Result.of(Contender.DISTLOCK_ZOOKEEPER, Scenario.UNCONTENDED_1, 600, 1_000_000, 3_000_000),
                Result.of(Contender.DISTLOCK_MEMORY, Scenario.UNCONTENDED_1, 1_000_000, 800, 2_000));
        String md = Report.markdown(info(List.of()), results);

        assertThat(row(md, Scenario.UNCONTENDED_1.title(), "distlock redis"))
                .containsExactly("| distlock redis", "5,000", "150", "300", "4.00", "2.50×", "0.25×", " |");
        assertThat(row(md, Scenario.UNCONTENDED_1.title(), "Redisson RLock"))
                .contains("1.00×");
        assertThat(row(md, Scenario.UNCONTENDED_1.title(), "distlock zookeeper")).contains("1.20×", "0.75×");
        assertThat(row(md, Scenario.UNCONTENDED_1.title(), "distlock memory")).contains("—");
        assertThat(md).contains("2 cores, 24.0 GiB, OpenJDK 17, Linux 6 amd64")
                .contains("`java -jar benchmarks.jar --quick`")
                .contains("Redis 7.0.15 on redis://127.0.0.1:1")
                .contains("| uncontended lock+unlock, 1 thread | 2.50×; 0.25× | 1.20×; 0.75× |");
        assertThat(md).doesNotContain("## " + Scenario.HANDOFF_4_SHARED.title())
                .doesNotContain("| " + Scenario.HANDOFF_4_SHARED.title() + " |");
    }

    @Test
    void targetsAreMetMissedOrNotAvailable() {
        List<Result> results = List.of(
                Result.of(Contender.REDISSON, Scenario.UNCONTENDED_1, 1_000, 1, 2),
                Result.of(Contender.DISTLOCK_REDIS, Scenario.UNCONTENDED_1, 1_600, 1, 2),
                Result.of(Contender.REDISSON, Scenario.UNCONTENDED_8, 1_000, 1, 2),
                Result.of(Contender.DISTLOCK_REDIS, Scenario.UNCONTENDED_8, 1_900, 1, 2),
                Result.of(Contender.REDISSON, Scenario.WAITERS_1, 100, 1, 2).withCommandsPerOp(9),
                Result.of(Contender.DISTLOCK_REDIS, Scenario.WAITERS_1, 100, 1, 2).withCommandsPerOp(4),
                Result.of(Contender.DISTLOCK_REDIS, Scenario.WAITERS_100, 100, 1, 2).withCommandsPerOp(40));
        Map<Contender, Map<Scenario, Result>> byContender = Report.index(results);
        List<Targets.Check> checks = Targets.check(byContender);

        assertThat(checks).filteredOn(c -> c.target().startsWith(Scenario.UNCONTENDED_1.title() + ": distlock redis"))
                .singleElement().satisfies(c -> {
                    assertThat(c.status()).isEqualTo(Targets.Status.MET);
                    assertThat(c.measured()).isEqualTo("1.60×");
                });
        assertThat(checks).filteredOn(c -> c.target().startsWith(Scenario.UNCONTENDED_8.title()))
                .singleElement().satisfies(c -> assertThat(c.status()).isEqualTo(Targets.Status.NOT_MET));
        assertThat(checks).filteredOn(c -> c.target().startsWith("distlock redis: server commands per handoff"))
                .singleElement().satisfies(c -> {
                    assertThat(c.status()).isEqualTo(Targets.Status.NOT_MET);
                    assertThat(c.measured()).isEqualTo("4.0 → 40.0 (10.0×)");
                });
        assertThat(checks).filteredOn(c -> c.issue().startsWith("zk-lock"))
                .isNotEmpty().allSatisfy(c -> assertThat(c.status()).isEqualTo(Targets.Status.NOT_AVAILABLE));

        String md = Report.markdown(info(List.of("distlock zookeeper: no backend")), results);
        assertThat(md).contains("| met |").contains("| **not met** |").contains("| n/a |")
                .contains("- distlock zookeeper: no backend");
    }

    @Test
    void theRedlockFloorRatioIsShownBesideItsTargetAsABoundNotATarget() {
        List<Result> results = List.of(
                Result.of(Contender.REDIS_PING_FLOOR, Scenario.UNCONTENDED_1, 10_000, 1, 2),
                Result.of(Contender.REDLOCK_PING_FLOOR, Scenario.UNCONTENDED_1, 4_000, 1, 2),
                Result.of(Contender.DISTLOCK_REDIS, Scenario.UNCONTENDED_1, 5_000, 1, 2),
                Result.of(Contender.DISTLOCK_REDLOCK, Scenario.UNCONTENDED_1, 1_500, 1, 2));
        List<Targets.Check> checks = Targets.check(Report.index(results));

        assertThat(checks).filteredOn(c -> c.status() == Targets.Status.BOUND).singleElement().satisfies(c -> {
            assertThat(c.issue()).isEqualTo("redlock (issue 6)");
            assertThat(c.target()).contains("floor: 3 Redis PINGs in parallel (Lettuce) ÷ floor: Redis PING (Lettuce)")
                    .contains("≥ 0.67×");
            assertThat(c.measured()).isEqualTo("0.40× (the locks' 0.30× is 75% of it)");
        });
        assertThat(Report.markdown(info(List.of()), results)).contains("| 0.40× (the locks' 0.30× is 75% of it) |"
                + " machine bound, not a target |");
        assertThat(Targets.check(Report.index(results.subList(2, 4)))).filteredOn(c -> c.target().startsWith("bound"))
                .singleElement().satisfies(c -> assertThat(c.status()).isEqualTo(Targets.Status.NOT_AVAILABLE));
    }

    @Test
    void heldScenarioShowsCommandsPerSecondAndCpu() {
        Result held = new Result(Contender.REDISSON, Scenario.HELD_UNDER_WATCHDOG, 3_400, -1, -1, Double.NaN, 0.25,
                0.125, 1_000, 0, 0, "1,000 locks held");
        String md = Report.markdown(info(List.of()), List.of(held));
        assertThat(row(md, Scenario.HELD_UNDER_WATCHDOG.title(), "Redisson RLock"))
                .containsExactly("| Redisson RLock", "3,400", "0.25", "0.13", "1.00×", "1,000 locks held |");
    }

    @Test
    void violationsAndErrorsAreShownAndPipesEscaped() {
        Result r = new Result(Contender.CURATOR, Scenario.HANDOFF_4_SHARED, 10, 5, 6, Double.NaN, Double.NaN,
                Double.NaN, 10, 3, 2, "odd | note");
        String md = Report.markdown(info(List.of()), List.of(r));
        assertThat(md).contains("odd \\| note; 3 errors; **2 mutual-exclusion violations**");
    }

    @Test
    void numberFormats() {
        assertThat(Report.rate(1_234_567)).isEqualTo("1,230,000");
        assertThat(Report.rate(987.4)).isEqualTo("987");
        assertThat(Report.rate(3.456)).isEqualTo("3.46");
        assertThat(Report.rate(Double.NaN)).isEqualTo("—");
        assertThat(Report.micros(1_234_000)).isEqualTo("1,234");
        assertThat(Report.micros(12_340)).isEqualTo("12.3");
        assertThat(Report.micros(-1)).isEqualTo("—");
        assertThat(Report.ratio(0.333)).isEqualTo("0.33×");
        assertThat(Report.ratio(123.4)).isEqualTo("123×");
        assertThat(Report.ratio(Double.POSITIVE_INFINITY)).isEqualTo("—");
    }
}
