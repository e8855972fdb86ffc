package dev.distlock.samples.spring;

import dev.distlock.LockClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A minimal Spring Boot application using {@code distlock-spring-boot-starter}: the starter
 * connects a {@link LockClient} from {@code distlock.uri} (see {@code application.properties}) and
 * applies {@code @DistributedLock} to {@link TicketService}. At start-up a runner sells an
 * event's seats from several threads and prints how many were sold.
 *
 * <pre>
 * mvn -q -B -Pdemo -pl samples-spring-boot -am verify -DskipTests
 * </pre>
 *
 * Pass {@code --distlock.uri=redis://127.0.0.1:6379} (through {@code -Ddemo.args=...}) to lock on a
 * real Redis.
 */
@SpringBootApplication
public class TicketApplication {
    /** Creates the configuration; Spring does. */
    public TicketApplication() {
    }

    /**
     * Starts the application.
     *
     * @param args Spring Boot arguments, for example {@code --distlock.uri=redis://127.0.0.1:6379}
     */
    public static void main(String[] args) {
        SpringApplication.run(TicketApplication.class, args).close();
    }

    /**
     * The start-up demo: {@code tickets.buyers} threads book seats until the event is sold out.
     *
     * @param tickets the (proxied) service
     * @param client the auto-configured client
     * @param seats the seats to sell
     * @param buyers the buyer threads
     * @return the runner, which keeps how many seats it sold
     */
    @Bean
    public SaleRunner saleRunner(TicketService tickets, LockClient client, @Value("${tickets.seats:100}") int seats,
            @Value("${tickets.buyers:8}") int buyers) {
        return new SaleRunner(tickets, client, seats, buyers);
    }

    /**
     * Sells one event's seats from several threads at start-up.
     *
     * <p>Not thread-safe; Spring runs it once.
     */
    public static final class SaleRunner implements CommandLineRunner {
        private final TicketService tickets;
        private final LockClient client;
        private final int seats;
        private final int buyers;
        private final AtomicInteger sold = new AtomicInteger();

        SaleRunner(TicketService tickets, LockClient client, int seats, int buyers) {
            this.tickets = tickets;
            this.client = client;
            this.seats = seats;
            this.buyers = buyers;
        }

        /**
         * Returns the seats the runner sold.
         *
         * @return the count
         */
        public int sold() {
            return sold.get();
        }

        @Override
        public void run(String... args) throws Exception {
            tickets.open("concert", seats);
            ExecutorService pool = Executors.newFixedThreadPool(buyers);
            try {
                List<Future<?>> all = new ArrayList<>();
                for (int i = 0; i < buyers; i++) {
                    all.add(pool.submit(() -> {
                        while (tickets.book("concert")) {
                            sold.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : all) {
                    f.get(2, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            System.out.printf("Spring Boot sample (locks on %s): %d buyers sold %d of %d seats, %d left%n",
                    client.backend(), buyers, sold.get(), seats, tickets.seatsLeft("concert"));
        }
    }
}
