package dev.distlock.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distlock.samples.FlashSale.Mode;
import dev.distlock.samples.FlashSale.Row;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the flash sale in its short (CI) mode on every embedded backend and checks its table: the
 * no-lock row oversells, every locked row sells exactly the stock.
 */
@Timeout(300)
class FlashSaleIT {
    @Test
    void withoutALockTheShopOversellsAndWithEveryBackendItSellsExactlyTheStock() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        FlashSale.Options options = FlashSale.Options.quick();
        List<Row> rows;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            rows = FlashSale.run(options, out);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.print(text);

        assertThat(rows).extracting(Row::backend, Row::mode).containsExactly(
                org.assertj.core.groups.Tuple.tuple("-", Mode.NONE),
                org.assertj.core.groups.Tuple.tuple("redis", Mode.ANNOTATED),
                org.assertj.core.groups.Tuple.tuple("redis", Mode.PROGRAMMATIC),
                org.assertj.core.groups.Tuple.tuple("redlock", Mode.ANNOTATED),
                org.assertj.core.groups.Tuple.tuple("redlock", Mode.PROGRAMMATIC),
                org.assertj.core.groups.Tuple.tuple("zookeeper", Mode.ANNOTATED),
                org.assertj.core.groups.Tuple.tuple("zookeeper", Mode.PROGRAMMATIC));
        Row noLock = rows.get(0);
        assertThat(noLock.oversold()).as("the no-lock baseline oversells (the 1 ms read-to-write window)")
                .isPositive();
        assertThat(noLock.sold()).isEqualTo(options.stock() + noLock.oversold());
        for (Row locked : rows.subList(1, rows.size())) {
            assertThat(locked.sold()).as(locked.backend() + " " + locked.mode().label()).isEqualTo(options.stock());
            assertThat(locked.oversold()).isZero();
        }
        // The table printed at the end has one line per row, with the oversold column as computed.
        assertThat(text).contains(FlashSale.table(rows));
        assertThat(text.lines().filter(l -> l.startsWith("  [")).count()).as("a progress line per row").isEqualTo(7);
    }
}
