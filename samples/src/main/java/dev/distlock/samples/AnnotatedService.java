package dev.distlock.samples;

import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.annotation.DistributedLock;
import dev.distlock.annotation.LockProxies;
import dev.distlock.annotation.OnFailure;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A minimal annotated service in plain Java: a class whose methods carry
 * {@code @DistributedLock}, wrapped by {@link LockProxies#wrap(Object, LockClient)}. No framework.
 *
 * <pre>
 * mvn -q -B -Pdemo -pl samples -am verify -DskipTests -Ddemo.main=dev.distlock.samples.AnnotatedService
 * </pre>
 *
 * <p>Runs on {@code memory://} by default; {@code --uri redis://127.0.0.1:6379} (or any lock URI)
 * runs it on a real store. The Spring Boot version of the same service is in
 * {@code samples-spring-boot/}.
 */
public final class AnnotatedService {
    /**
     * Accounts whose balances are updated with a read-modify-write, as a database row would be.
     * Public and not final so that a subclass proxy can be generated; thread-safe through its locks
     * only when called through the proxy.
     */
    public static class Accounts {
        private final Map<String, Long> balances = new ConcurrentHashMap<>();

        /**
         * Adds to a balance under the lock {@code account:<id>}.
         *
         * @param id the account
         * @param amount the amount to add
         * @return the new balance
         */
        @DistributedLock(key = "'account:' + #id", waitTime = "10s")
        public long deposit(String id, long amount) {
            long balance = balances.getOrDefault(id, 0L);
            Thread.yield(); // the gap between the read and the write, where an unlocked caller would interleave
            balances.put(id, balance + amount);
            return balance + amount;
        }

        /**
         * Moves money between two accounts under both their locks, taken in name order whatever
         * the argument order, so that two opposite transfers cannot deadlock.
         *
         * @param from the debited account
         * @param to the credited account
         * @param amount the amount
         */
        @DistributedLock(key = "'account:' + #from", waitTime = "10s")
        @DistributedLock(key = "'account:' + #to", waitTime = "10s")
        public void transfer(String from, String to, long amount) {
            balances.put(from, balances.getOrDefault(from, 0L) - amount);
            balances.put(to, balances.getOrDefault(to, 0L) + amount);
        }

        /**
         * Builds a report unless another instance is already building it: then the fallback
         * answers at once.
         *
         * @param day the day
         * @return the report, or a "busy" note from {@link #reportBusy(String)}
         */
        @DistributedLock(key = "'report:' + #day", waitTime = "0s", onFailure = OnFailure.FALLBACK,
                fallback = "reportBusy")
        public String report(String day) {
            return "report for " + day + ": " + balances;
        }

        String reportBusy(String day) {
            return "report for " + day + " is being built by another instance";
        }

        /**
         * Returns a balance (no lock).
         *
         * @param id the account
         * @return the balance
         */
        public long balance(String id) {
            return balances.getOrDefault(id, 0L);
        }
    }

    private AnnotatedService() {
    }

    /**
     * Runs the sample.
     *
     * @param args optional {@code --uri URI} (default {@code memory://annotated-service})
     * @throws Exception if the sample fails
     */
    public static void main(String[] args) throws Exception {
        String uri = args.length >= 2 && args[0].equals("--uri") ? args[1] : "memory://annotated-service";
        try (LockClient client = LockClients.connect(uri); LockClient other = LockClients.connect(uri)) {
            Accounts accounts = LockProxies.wrap(new Accounts(), client);
            System.out.println("Annotated service on " + uri + " (" + client.backend() + ")");

            ExecutorService pool = Executors.newFixedThreadPool(8);
            for (int i = 0; i < 1000; i++) {
                pool.execute(() -> accounts.deposit("alice", 1));
            }
            pool.shutdown();
            pool.awaitTermination(2, TimeUnit.MINUTES);
            System.out.println("1000 concurrent deposits of 1 -> alice has " + accounts.balance("alice"));

            accounts.transfer("alice", "bob", 300);
            accounts.transfer("bob", "alice", 100);
            System.out.println("two opposite transfers -> alice " + accounts.balance("alice") + ", bob "
                    + accounts.balance("bob"));

            other.mutex("report:monday").lock();   // another instance is building Monday's report
            try {
                System.out.println(accounts.report("monday"));
                System.out.println(accounts.report("tuesday"));
            } finally {
                other.mutex("report:monday").unlock();
            }
        }
    }
}
