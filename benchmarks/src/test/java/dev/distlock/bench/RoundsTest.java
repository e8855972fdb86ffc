package dev.distlock.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundsTest {
    private static Map<Contender, Result> round(Scenario s, double redisson, double distlock) {
        Map<Contender, Result> m = new EnumMap<>(Contender.class);
        m.put(Contender.REDISSON, Result.of(Contender.REDISSON, s, redisson, 1, (long) (1e6 / redisson)));
        m.put(Contender.DISTLOCK_REDIS, Result.of(Contender.DISTLOCK_REDIS, s, distlock, 1, (long) (1e6 / distlock)));
        return m;
    }

    @Test
    void aTargetIsJudgedOnTheMedianOfThePerRoundRatiosNotOnOneWindow() {
        Scenario s = Scenario.UNCONTENDED_1;
        // Round 2 is an outlier (a noisy window for Redisson): 3.0×; the others 1.2× and 1.3×.
        List<Map<Contender, Result>> rounds = List.of(round(s, 1000, 1200), round(s, 400, 1200), round(s, 1000, 1300));
        Rounds.Ratio r = Rounds.ratio(rounds, Contender.DISTLOCK_REDIS, Contender.REDISSON, Result::throughput);
        assertThat(r.median()).isEqualTo(1.3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.min()).isEqualTo(1.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.max()).isEqualTo(3.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.count()).isEqualTo(3);

        // The rows are each contender's median round: Redisson 1000 (round 1 or 3), distlock 1200.
        Result redisson = Rounds.median(Contender.REDISSON, rounds);
        Result distlock = Rounds.median(Contender.DISTLOCK_REDIS, rounds);
        assertThat(redisson.throughput()).isEqualTo(1000);
        assertThat(distlock.throughput()).isEqualTo(1200);
        assertThat(distlock.note()).isEqualTo("median of 3 rounds");

        // The rows alone give 1.20× (not met at 1.5×); so does the median of the rounds (1.30×).
        Map<Scenario, List<Map<Contender, Result>>> byScenario = Map.of(s, rounds);
        List<Targets.Check> checks = Targets.check(Report.index(List.of(redisson, distlock)), byScenario);
        assertThat(checks).filteredOn(c -> c.target().startsWith(s.title() + ": distlock redis throughput"))
                .singleElement().satisfies(c -> {
                    assertThat(c.measured()).isEqualTo("1.30× (median of 3 alternating rounds, 1.20×–3.00×)");
                    assertThat(c.status()).isEqualTo(Targets.Status.NOT_MET);
                });
    }

    @Test
    void oneLuckyWindowNoLongerMeetsATarget() {
        Scenario s = Scenario.UNCONTENDED_1;
        // One window at 2.0× (met if it were the only one), two at 1.1×.
        List<Map<Contender, Result>> rounds = List.of(round(s, 500, 1000), round(s, 1000, 1100), round(s, 1000, 1100));
        List<Result> rows = List.of(Rounds.median(Contender.REDISSON, rounds), Rounds.median(Contender.DISTLOCK_REDIS,
                rounds));
        assertThat(Targets.check(Report.index(List.of(rounds.get(0).get(Contender.REDISSON),
                rounds.get(0).get(Contender.DISTLOCK_REDIS)))))
                .filteredOn(c -> c.target().startsWith(s.title() + ": distlock redis throughput"))
                .singleElement().extracting(Targets.Check::status).isEqualTo(Targets.Status.MET);
        assertThat(Targets.check(Report.index(rows), Map.of(s, rounds)))
                .filteredOn(c -> c.target().startsWith(s.title() + ": distlock redis throughput"))
                .singleElement().extracting(Targets.Check::status).isEqualTo(Targets.Status.NOT_MET);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> Rounds.median(null, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rounds.ratio(List.of(), Contender.REDISSON, null, Result::throughput))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Rounds.ratio(List.of(), Contender.DISTLOCK_REDIS, Contender.REDISSON, Result::throughput)).isNull();
        assertThat(Rounds.median(Contender.REDISSON, List.of())).isNull();
    }
}
