package dev.distlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LockClientsTest {
    @Test
    void memorySchemeIsServedFromTheClassPath() throws Exception {
        try (LockClient client = LockClients.connect("memory://clients-test")) {
            assertThat(client.backend()).isEqualTo("memory");
            assertThat(client.config()).isEqualTo(LockConfig.defaults());
            Mutex m = client.mutex("job");
            assertThat(m.tryLock(Duration.ZERO)).isTrue();
            assertThat(m.fencingToken()).isPositive();
            m.unlock();
        }
    }

    @Test
    void unknownSchemeNamesTheSchemeAndWhatIsServed() {
        assertThatThrownBy(() -> LockClients.connect("mongodb://h:1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'mongodb'").hasMessageContaining("memory");
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> LockClients.connect(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uri");
        assertThatThrownBy(() -> LockClients.connect("memory://", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("config");
        assertThatThrownBy(() -> LockClients.connect("memory://a:1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory");
    }
}
