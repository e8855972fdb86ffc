package dev.distlock.tests.safety;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Input fuzzing on the in-process {@code memory://} backend (the others run in {@link InputFuzzIT}). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InputFuzzTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void memory() throws Exception {
        InputFuzzIT.fuzz("memory://", open);
    }
}
