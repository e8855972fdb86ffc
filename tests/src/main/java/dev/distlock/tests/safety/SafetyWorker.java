package dev.distlock.tests.safety;

import dev.distlock.Lease;
import dev.distlock.LockAcquisitionException;
import dev.distlock.LockClient;
import dev.distlock.LockClients;
import dev.distlock.LockConfig;
import dev.distlock.LockLostException;
import dev.distlock.Mutex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A worker process of a safety run: several threads lock one name over and over, and inside
 * each hold do a read-modify-write of the {@link FencedStore} with the hold's fencing token.
 * Each hold is appended to the worker's history file as a {@link Hold} line once it is over;
 * each failed attempt as an {@code F} line. The worker stops when the stop file appears.
 *
 * <p>After a write the store refused, the thread waits (up to {@code --loss-wait-ms}) to be
 * told its lease was lost before it unlocks: a refused write means a newer holder wrote, so the
 * lease must be gone, and the client must say so.
 *
 * <pre>
 * java -cp … dev.distlock.tests.safety.SafetyWorker --id w1 --uri redis://127.0.0.1:6379
 *      --store DIR --history FILE --stop FILE [--threads 3] [--name safety] [--lease-ms 3000]
 *      [--command-timeout-ms 2000] [--wait-ms 2000] [--work-ms 20] [--loss-wait-ms 10000]
 * </pre>
 */
public final class SafetyWorker {
    private final Map<String, String> args;
    private final String id;
    private final Writer history;

    private SafetyWorker(Map<String, String> args) throws IOException {
        this.args = args;
        this.id = required("id");
        this.history = Files.newBufferedWriter(Path.of(required("history")), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Runs a worker until its stop file appears.
     *
     * @param argv the options shown in the class comment
     * @throws Exception if the worker cannot start
     */
    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + argv[i]);
            }
            args.put(argv[i].substring(2), argv[i + 1]);
        }
        new SafetyWorker(args).run();
        System.exit(0);
    }

    private String required(String name) {
        String v = args.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private long number(String name, long dflt) {
        String v = args.get(name);
        return v == null ? dflt : Long.parseLong(v);
    }

    private void run() throws Exception {
        int threads = (int) number("threads", 3);
        long leaseMs = number("lease-ms", 3000);
        LockConfig config = LockConfig.builder()
                .leaseTime(Duration.ofMillis(leaseMs))
                .renewInterval(Duration.ofMillis(Math.max(1, leaseMs / 3)))
                .commandTimeout(Duration.ofMillis(number("command-timeout-ms", 2000)))
                .connectTimeout(Duration.ofSeconds(10))
                .clientName("safety-" + id)
                .build();
        Path stop = Path.of(required("stop"));
        try (LockClient client = LockClients.connect(required("uri"), config);
                FencedStore store = FencedStore.open(Path.of(required("store")))) {
            Mutex mutex = client.mutex(args.getOrDefault("name", "safety"));
            line("S\t" + id + "\t" + ProcessHandle.current().pid() + "\t" + Micros.now());
            List<Thread> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread th = new Thread(() -> loop(mutex, store, thread, stop), id + "-t" + t);
                th.start();
                running.add(th);
            }
            for (Thread th : running) {
                th.join();
            }
        }
        history.close();
    }

    private void loop(Mutex mutex, FencedStore store, int thread, Path stop) {
        Duration wait = Duration.ofMillis(number("wait-ms", 2000));
        long workMs = number("work-ms", 20);
        long lossWaitMs = number("loss-wait-ms", 10_000);
        long n = 0;
        while (!Files.exists(stop)) {
            long request = Micros.now();
            Lease lease;
            try {
                lease = mutex.acquire(wait);
            } catch (LockAcquisitionException e) {
                line("F\t" + id + "\t" + thread + "\t" + Micros.now() + "\ttimeout");
                continue;
            } catch (RuntimeException e) {
                line("F\t" + id + "\t" + thread + "\t" + Micros.now() + "\t" + e.getClass().getSimpleName());
                pause(100); // the store is down or unreachable: do not hammer it
                continue;
            }
            long acquired = Micros.now();
            CountDownLatch told = new CountDownLatch(1);
            lease.onLost(ev -> told.countDown());
            String holdId = id + "-t" + thread + "-" + (++n);
            long token = lease.fencingToken();
            boolean accepted = false;
            try {
                StoreOp read = store.read(holdId, token);
                pause(ThreadLocalRandom.current().nextLong(workMs / 2, workMs + workMs / 2 + 1));
                StoreOp write = store.write(holdId, token, read.value() + 1);
                accepted = write.accepted();
                if (!accepted) {
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lossWaitMs);
                    while (told.getCount() > 0 && lease.isValid() && System.nanoTime() < until) {
                        told.await(50, TimeUnit.MILLISECONDS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long end = Micros.now();
            String notice = told.getCount() == 0 ? "listener" : !lease.isValid() ? "invalid" : "-";
            try {
                lease.close();
            } catch (LockLostException e) {
                if (notice.equals("-")) {
                    notice = "unlock";
                }
            } catch (RuntimeException e) {
                // unreachable store: the lease is left to run out; not a notice of loss
                line("F\t" + id + "\t" + thread + "\t" + Micros.now() + "\tunlock-" + e.getClass().getSimpleName());
            }
            line(new Hold(holdId, id, thread, token, request, acquired, end, !notice.equals("-"), notice, accepted)
                    .toLine());
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // the critical section's work, or a back-off: time passing is the point
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void line(String text) {
        try {
            history.write(text);
            history.write('\n');
            history.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
