package dev.distlock.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.embedded.EmbeddedRedisServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the sample application, as a user would, on the embedded Redis server. */
@Timeout(180)
class TicketApplicationTest {
    @Test
    void theApplicationSellsExactlyTheSeatsWithLocksOnRedis() throws Exception {
        try (EmbeddedRedisServer redis = EmbeddedRedisServer.builder().port(0).build().start();
                ConfigurableApplicationContext context = SpringApplication.run(TicketApplication.class,
                        "--distlock.uri=" + redis.uri(), "--tickets.seats=40", "--tickets.buyers=4");
                LockClient other = LockClients.connect(redis.uri())) {
            TicketService tickets = context.getBean(TicketService.class);
            assertThat(AopUtils.isAopProxy(tickets)).as("the starter proxied the annotated bean").isTrue();
            assertThat(context.getBean(LockClient.class).backend()).isEqualTo("redis");
            assertThat(context.getBean(TicketApplication.SaleRunner.class).sold()).isEqualTo(40);
            assertThat(tickets.seatsLeft("concert")).isZero();

            // The lock really is on the server: while another instance holds it, a booking waits.
            tickets.open("recital", 1);
            assertThat(other.mutex("event:recital").tryLock()).isTrue();
            CompletableFuture<Boolean> booking = CompletableFuture.supplyAsync(() -> tickets.book("recital"));
            Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !booking.isDone());
            assertThat(tickets.seatsLeft("recital")).isEqualTo(1);
            other.mutex("event:recital").unlock();
            assertThat(booking.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(tickets.seatsLeft("recital")).isZero();
        }
    }
}
