package dev.distlock.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.annotation.LockProxies;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The plain-Java annotated service sample: exact balances through the proxy, and its fallback. */
@Timeout(60)
class AnnotatedServiceTest {
    @Test
    void depositsThroughTheProxyAreExactAndABusyReportFallsBack() throws Exception {
        try (LockClient client = LockClients.connect("memory://annotated-service-test");
                LockClient other = LockClients.connect("memory://annotated-service-test")) {
            AnnotatedService.Accounts accounts = LockProxies.wrap(new AnnotatedService.Accounts(), client);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            for (int i = 0; i < 400; i++) {
                pool.execute(() -> accounts.deposit("alice", 1));
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(accounts.balance("alice")).isEqualTo(400);

            accounts.transfer("alice", "bob", 150);
            assertThat(accounts.balance("alice")).isEqualTo(250);
            assertThat(accounts.balance("bob")).isEqualTo(150);

            assertThat(other.mutex("report:monday").tryLock()).isTrue();
            assertThat(accounts.report("monday")).isEqualTo("report for monday is being built by another instance");
            assertThat(accounts.report("tuesday")).startsWith("report for tuesday: ");
        }
    }
}
