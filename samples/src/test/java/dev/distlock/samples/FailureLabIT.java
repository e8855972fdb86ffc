package dev.distlock.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distlock.samples.FailureLab.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the failure lab and checks each scenario's verdict. */
@Timeout(120)
class FailureLabIT {
    @Test
    void eachScenarioComesOutAsTheStorySays() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Outcome> outcomes;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            outcomes = FailureLab.run(out);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.print(text);

        assertThat(outcomes).hasSize(6);
        assertThat(outcomes).extracting(Outcome::holders).as("holders per scenario").containsExactly(2, 1, 2, 1, 2, 1);
        assertThat(outcomes.get(0).staleWriteRejected()).as("failover: fencing rejects the stale write").isTrue();
        assertThat(outcomes.get(2).staleWriteRejected()).as("Redlock restart: fencing rejects the stale write").isTrue();
        for (Outcome o : outcomes) {
            assertThat(text).contains(o.scenario()).contains("Verdict: " + o.verdict());
        }
    }
}
