package dev.distlock.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distlock.samples.CacheRebuild.Row;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the cache-rebuild demo in its short (CI) mode on every embedded backend: with a lock,
 * exactly one rebuild per expiry; without, a stampede.
 */
@Timeout(300)
class CacheRebuildIT {
    @Test
    void withALockEachExpiryIsRebuiltOnceAndTheOthersServeTheStaleValue() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Row> rows;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            rows = CacheRebuild.run(CacheRebuild.Options.quick(), out);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.print(text);

        assertThat(rows).extracting(Row::backend).containsExactly("-", "redis", "redlock", "zookeeper");
        Row noLock = rows.get(0);
        assertThat(noLock.maxPerExpiry()).as("without a lock, several callers rebuild the same expired value")
                .isGreaterThan(1);
        for (Row locked : rows.subList(1, rows.size())) {
            // 1.5 s of reads with a 300 ms TTL: the cold start plus several expiries, even on a slow machine.
            assertThat(locked.rebuilds()).as(locked.backend() + ": rebuilds").isGreaterThanOrEqualTo(2);
            assertThat(locked.maxPerExpiry()).as(locked.backend() + ": rebuilds of one version").isEqualTo(1);
            // Every version found expired was rebuilt, but perhaps the last one, found just before the end.
            assertThat(locked.expiries() - locked.rebuilds()).as(locked.backend() + ": expiries not rebuilt")
                    .isBetween(0, 1);
            // The other callers were answered without rebuilding: with the stale value, or after waiting
            // for the cold start's rebuild.
            assertThat(locked.staleServes() + locked.waits()).as(locked.backend() + ": stale serves and waits")
                    .isPositive();
        }
        assertThat(text).contains(CacheRebuild.table(rows));
    }
}
