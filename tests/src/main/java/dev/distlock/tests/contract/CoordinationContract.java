package dev.distlock.tests.contract;

import dev.distlock.LockClient;
import dev.distlock.LockConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * What the contract suites of the coordination primitives ({@link ReadWriteLockContract},
 * {@link SemaphoreContract}, {@link LeaderElectionContract}) share with {@link MutexContract}:
 * clients on one store made by the backend's test class, a short lease so that expiry and
 * renewal show within seconds, fresh names per test, and {@linkplain Actor actors}: threads
 * that each act as one owner, since holds belong to (client, thread).
 *
 * <p>Not thread-safe; JUnit runs one test of an instance at a time.
 */
public abstract class CoordinationContract {
    /** Client A; made before each test. */
    protected LockClient a;
    /** Client B, on the same store as A; made before each test. */
    protected LockClient b;
    private final List<LockClient> clients = new ArrayList<>();
    private final List<Actor> actors = new ArrayList<>();
    private String prefix;

    /**
     * Connects a new client to the store under test.
     *
     * @param config the settings to use
     * @return a connected client; the suite closes it after the test
     */
    protected abstract LockClient newClient(LockConfig config);

    /**
     * Returns how many things waiters of the primitive {@code name} have left on the store
     * (queued acquirers, subscriptions, nodes); zero once nobody waits.
     *
     * @param name the read-write lock's or semaphore's name
     * @return the count of leftovers
     */
    protected abstract int leftovers(String name);

    /**
     * Returns the settings the suite's clients use: a 1.5 s lease renewed every 500 ms.
     *
     * @return the config
     */
    protected LockConfig config() {
        return LockConfig.builder()
                .leaseTime(Duration.ofMillis(1500))
                .renewInterval(Duration.ofMillis(500))
                .commandTimeout(Duration.ofSeconds(2))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * Returns how much later than asked a timed wait may end, and how long a hand-off may take.
     *
     * @return the tolerance; 500 ms by default
     */
    protected Duration tolerance() {
        return Duration.ofMillis(500);
    }

    /**
     * Returns a client made with {@link #config()} that the suite closes after the test.
     *
     * @return the client
     */
    protected final LockClient client() {
        LockClient c = newClient(config());
        clients.add(c);
        return c;
    }

    /**
     * Returns a name unique to this test.
     *
     * @param suffix distinguishes names within one test
     * @return the name
     */
    protected final String name(String suffix) {
        return prefix + suffix;
    }

    /**
     * Returns a new actor (one thread) that the suite stops after the test.
     *
     * @param label names the thread
     * @return the actor
     */
    protected final Actor actor(String label) {
        Actor actor = new Actor(label);
        actors.add(actor);
        return actor;
    }

    @BeforeEach
    void connect(TestInfo info) {
        prefix = "coord:" + info.getTestMethod().map(m -> m.getName()).orElse("t") + ":"
                + UUID.randomUUID().toString().substring(0, 8) + ":";
        a = client();
        b = client();
    }

    @AfterEach
    void closeClients() throws InterruptedException {
        for (Actor actor : actors) {
            actor.thread.shutdownNow();
        }
        for (Actor actor : actors) {
            actor.thread.awaitTermination(10, TimeUnit.SECONDS);
        }
        actors.clear();
        for (LockClient c : clients) {
            c.close();
        }
        clients.clear();
    }

    /** One thread acting as one owner: everything it is given runs on that thread, in order. */
    protected static final class Actor {
        private final ExecutorService thread;

        private Actor(String label) {
            this.thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "contract-" + label);
                t.setDaemon(true);
                return t;
            });
        }

        /**
         * Runs {@code task} on the actor's thread and waits up to 20 s for its result.
         *
         * @param <T> the result type
         * @param task the task
         * @return its result
         * @throws Exception what the task threw (unwrapped), or a timeout
         */
        public <T> T call(Callable<T> task) throws Exception {
            Future<T> f = thread.submit(task);
            try {
                return f.get(20, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception ex) {
                    throw ex;
                }
                throw e;
            } catch (TimeoutException e) {
                f.cancel(true);
                throw e;
            }
        }

        /**
         * Runs {@code task} on the actor's thread without waiting.
         *
         * @param <T> the result type
         * @param task the task
         * @return its future
         */
        public <T> Future<T> submit(Callable<T> task) {
            return thread.submit(task);
        }
    }
}
