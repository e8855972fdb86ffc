package dev.distlock.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} process (Debian's binary) on a free 127.0.0.1 port with a data
 * directory of its own, for tests that must compare with, or run against, the real thing.
 *
 * <pre>{@code
 * Assumptions.assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed");
 * try (RedisProcess redis = RedisProcess.builder().requirePass("s3cret").build().start()) {
 *     RedisClient client = RedisClient.create(redis.uri());   // redis://:s3cret@127.0.0.1:port
 *     redis.pause();      // SIGSTOP: the server stalls, connections stay open
 *     redis.resume();     // SIGCONT
 *     redis.restart(true) // SAVE (or the AOF), stop, start on the same port with the same data
 * }
 * }</pre>
 *
 * <h2>Design</h2>
 * What it stores: a temporary directory (deleted by {@link #close()}) holding the RDB or AOF
 * files, the server's log ({@code redis.log}) and, for Sentinel, its config file. By default
 * persistence is off ({@code --save '' --appendonly no}); {@link Builder#config(String, String...)}
 * passes any other directive. Failures: {@link #stop()} sends SIGTERM (Redis exits cleanly,
 * flushing an AOF), {@link #kill()} sends SIGKILL (a crash), {@link #pause()} sends SIGSTOP (a
 * stalled server whose sockets stay open). A start that does not answer {@code PING} within the
 * start timeout fails with the tail of the server's log. Every process started here is killed
 * by {@link #close()}, should the test forget by a JVM shutdown hook, and should the JVM die
 * without running hooks (SIGKILL, a crash) by a small {@code sh} watchdog that launched it: the
 * watchdog reads the JVM's end of a pipe and kills the server when that pipe closes.
 *
 * <p>Thread-safe: lifecycle methods are serialised on this instance.
 */
public final class RedisProcess implements AutoCloseable {
    private static final Set<RedisProcess> LIVE = ConcurrentHashMap.newKeySet();
    /**
     * Starts the server in the background with its output in the log ($1), prints its pid, and
     * kills it when standard input (a pipe held by this JVM) reaches end of file, then deletes
     * the directory $2 if one is given; exits when the server exits.
     */
    private static final String WRAPPER = "log=$1; cleanup=$2; shift 2; exec 3<&0; "
            + "\"$@\" </dev/null >>\"$log\" 2>&1 & child=$!; echo $child; "
            + "( read _ignored; trap '' TERM; kill -9 $child 2>/dev/null; "
            + "if [ -n \"$cleanup\" ]; then rm -rf \"$cleanup\"; fi ) <&3 & watcher=$!; "
            + "wait $child; status=$?; kill $watcher 2>/dev/null; exit $status";
    private static volatile boolean hookInstalled;
    private static volatile Optional<Path> binaryLookup;

    private final Builder config;
    private final int port;
    private final Path dir;
    private final boolean ownsDir;
    /** The {@code sh} watchdog that launched the server (see {@link #WRAPPER}). */
    private Process launcher;
    /** The redis-server process itself. */
    private ProcessHandle process;
    private boolean paused;
    private boolean closed;
    private boolean everStarted;

    RedisProcess(Builder config) {
        this.config = config;
        this.port = config.port != 0 ? config.port : LoopbackPorts.free();
        try {
            if (config.directory != null) {
                this.dir = Files.createDirectories(config.directory);
                this.ownsDir = false;
            } else {
                this.dir = Files.createTempDirectory("redis-process-");
                this.ownsDir = true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for redis-server", e);
        }
    }

    /**
     * Whether a {@code redis-server} binary exists: on the {@code PATH} or at
     * {@code /usr/bin/redis-server}. Tests that need one skip with a visible reason when it is
     * absent: {@code assumeTrue(RedisProcess.isAvailable(), "redis-server is not installed")}.
     *
     * @return true if the binary was found
     */
    public static boolean isAvailable() {
        return findBinary("redis-server").isPresent();
    }

    /**
     * Returns a builder with the defaults: a free port, no password, no persistence, a
     * temporary directory, 10 s start timeout.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds and starts a redis-server with the default settings.
     *
     * @return the running process
     * @throws IllegalStateException if the binary is absent or the server did not start
     */
    public static RedisProcess startDefault() {
        return builder().build().start();
    }

    /** For tests of the skip logic: pretend the binary is at {@code binary} (or absent); null resets. */
    static void overrideBinaryLookup(Optional<Path> binary) {
        binaryLookup = binary;
    }

    static Optional<Path> findBinary(String name) {
        if ("redis-server".equals(name) && binaryLookup != null) {
            return binaryLookup;
        }
        Optional<Path> found = Optional.empty();
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>();
        if (path != null) {
            Collections.addAll(dirs, path.split(File.pathSeparator));
        }
        dirs.add("/usr/bin");
        dirs.add("/usr/local/bin");
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Paths.get(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                found = Optional.of(p);
                break;
            }
        }
        if ("redis-server".equals(name)) {
            binaryLookup = found;
        }
        return found;
    }

    /**
     * Starts the server (again, after {@link #stop()} or {@link #kill()}) on its port with its
     * directory, and returns once it answers {@code PING}. Does nothing if it runs.
     *
     * @return this process
     * @throws IllegalStateException if closed, if the binary is absent, or if the server exited
     *                               or did not answer within the start timeout (the message
     *                               quotes the end of its log); a first start that fails also
     *                               closes the instance
     */
    public synchronized RedisProcess start() {
        requireOpen();
        if (isRunning()) {
            return this;
        }
        Path binary = findBinary("redis-server")
                .orElseThrow(() -> new IllegalStateException("redis-server is not installed (not on PATH, not in /usr/bin)"));
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", WRAPPER, "sh", log().toString(),
                ownsDir ? dir.toAbsolutePath().toString() : ""));
        cmd.add(binary.toString());
        try {
            if (config.sentinelConfig != null) {
                Path conf = dir.resolve("sentinel.conf");
                if (!Files.exists(conf)) { // Sentinel rewrites its file; keep what it learnt across restarts
                    Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\ndir " + dir.toAbsolutePath()
                            + "\ndaemonize no\nlogfile \"\"\n" + config.sentinelConfig, StandardCharsets.UTF_8);
                }
                cmd.add(conf.toAbsolutePath().toString());
                cmd.add("--sentinel");
            } else {
                Collections.addAll(cmd, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                        "--dir", dir.toAbsolutePath().toString(), "--daemonize", "no", "--logfile", "",
                        "--save", "", "--appendonly", "no", "--enable-debug-command", "local");
                for (Map.Entry<String, List<String>> e : config.directives.entrySet()) {
                    cmd.add("--" + e.getKey());
                    cmd.addAll(e.getValue());
                }
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log().toFile()));
            installHook();
            launcher = pb.start();
            String pidLine = new java.io.BufferedReader(new java.io.InputStreamReader(
                    launcher.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            if (pidLine == null) {
                launcher = null;
                throw new IllegalStateException("cannot run " + binary + ": " + logTail());
            }
            process = ProcessHandle.of(Long.parseLong(pidLine.trim())).orElse(null);
            if (process == null) { // exited at once
                launcher = null;
                throw new IllegalStateException("redis-server on port " + port + " exited at start: " + logTail());
            }
            LIVE.add(this);
            paused = false;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
        }
        try {
            awaitReady();
        } catch (RuntimeException e) {
            if (!everStarted) {
                close(); // nobody holds a reference after a failed `builder()…build().start()`
            }
            throw e;
        }
        everStarted = true;
        return this;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + config.startTimeout.toNanos();
        String last = "no answer";
        while (true) {
            if (!process.isAlive()) {
                process = null;
                launcher = null;
                throw new IllegalStateException("redis-server on port " + port + " exited at start: " + logTail());
            }
            try (RedisProcessClient c = RedisProcessClient.open(port, config.password, 1000)) {
                Object pong = c.call("PING");
                if ("PONG".equals(pong)) {
                    return;
                }
                last = String.valueOf(pong);
            } catch (IOException e) {
                last = e.getMessage();
            }
            if (System.nanoTime() - deadline > 0) {
                destroy(true);
                throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
                        + config.startTimeout.toMillis() + " ms (" + last + "): " + logTail());
            }
            sleepQuietly(10);
        }
    }

    /**
     * The port on 127.0.0.1; fixed for the life of this instance (chosen when built).
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * The host the server listens on.
     *
     * @return {@code 127.0.0.1}
     */
    public String host() {
        return "127.0.0.1";
    }

    /**
     * The URI for clients: {@code redis://127.0.0.1:<port>}, or {@code redis://:<password>@…}
     * when a password is required.
     *
     * @return the URI
     */
    public String uri() {
        return config.password == null ? "redis://127.0.0.1:" + port
                : "redis://:" + config.password + "@127.0.0.1:" + port;
    }

    /**
     * The password given with {@link Builder#requirePass(String)}, if any.
     *
     * @return the password, or null
     */
    public String password() {
        return config.password;
    }

    /**
     * The directory that holds the data files and {@code redis.log}.
     *
     * @return the directory
     */
    public Path directory() {
        return dir;
    }

    /**
     * The operating-system process id.
     *
     * @return the pid
     * @throws IllegalStateException if the server is not running
     */
    public synchronized long pid() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("redis-server on port " + port + " is not running");
        }
        return process.pid();
    }

    /**
     * Whether the process is alive (a paused process is alive).
     *
     * @return true if alive
     */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** For tests: the pid of the {@code sh} watchdog that launched the server. */
    synchronized long launcherPid() {
        return launcher == null ? -1 : launcher.pid();
    }

    /**
     * Whether the process is stopped by {@link #pause()}.
     *
     * @return true if paused
     */
    public synchronized boolean isPaused() {
        return paused && isRunning();
    }

    /**
     * Sends one command over a fresh connection (authenticated if a password is set) and
     * returns the reply: status and bulk strings as {@link String}, integers as {@link Long},
     * arrays as {@link List}, nulls as {@code null}. For setup and inspection in tests.
     *
     * @param args the command and its arguments, for example {@code "CONFIG", "SET", "maxmemory", "10mb"}
     * @return the reply
     * @throws IllegalArgumentException if args is empty
     * @throws IllegalStateException    if the server answers with an error (the message quotes
     *                                  it) or cannot be reached within 5 s
     */
    public Object call(String... args) {
        if (args == null || args.length == 0) {
            throw new IllegalArgumentException("args must name a command");
        }
        try (RedisProcessClient c = RedisProcessClient.open(port, config.password, 5000)) {
            return c.call(args);
        } catch (RedisProcessClient.ServerError e) {
            throw new IllegalStateException("redis-server replied to " + args[0] + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot talk to redis-server on port " + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stops the server with SIGTERM, as an operator would: Redis exits cleanly (flushing its
     * AOF, and saving an RDB only if save points were configured). Waits up to 10 s, then
     * kills it. Does nothing if it is not running.
     *
     * @throws IllegalStateException if closed
     */
    public synchronized void stop() {
        requireOpen();
        destroy(false);
    }

    /**
     * Kills the server with SIGKILL, as a crash would: nothing is saved. Does nothing if it is
     * not running.
     *
     * @throws IllegalStateException if closed
     */
    public synchronized void kill() {
        requireOpen();
        destroy(true);
    }

    /**
     * Stops and starts the server on the same port. With {@code keepData} the dataset survives:
     * an RDB is written with {@code SAVE} first (unless the AOF is on, which survives by
     * itself); without it, the RDB and AOF files are deleted before the start.
     *
     * @param keepData whether the data must survive
     * @throws IllegalStateException if closed, or the save or the start fails
     */
    public synchronized void restart(boolean keepData) {
        requireOpen();
        if (isRunning()) {
            resume();
            if (keepData && !appendOnly() && config.sentinelConfig == null) {
                call("SAVE");
            }
            destroy(false);
        }
        if (!keepData) {
            deleteDataFiles();
        }
        start();
    }

    /**
     * Freezes the process with SIGSTOP: it accepts no command and answers nothing, but its
     * sockets stay open, like a server stuck in a long pause. Does nothing if already paused.
     *
     * @throws IllegalStateException if the server is not running or the signal failed
     */
    public synchronized void pause() {
        if (paused) {
            return;
        }
        signal("STOP");
        paused = true;
    }

    /**
     * Lets a paused process run again with SIGCONT. Does nothing if not paused.
     *
     * @throws IllegalStateException if the signal failed
     */
    public synchronized void resume() {
        if (!paused) {
            return;
        }
        if (isRunning()) {
            signal("CONT");
        }
        paused = false;
    }

    /**
     * Kills the process if it runs and deletes the temporary directory. Idempotent; never
     * throws.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            destroy(false);
        } catch (RuntimeException e) {
            destroy(true);
        }
        if (ownsDir) {
            EmbeddedZooKeeper.deleteTree(dir);
        }
    }

    @Override
    public String toString() {
        return "RedisProcess[" + (config.sentinelConfig != null ? "sentinel " : "") + "127.0.0.1:" + port + "]";
    }

    boolean appendOnly() {
        List<String> v = config.directives.get("appendonly");
        return v != null && !v.isEmpty() && "yes".equalsIgnoreCase(v.get(0));
    }

    Path log() {
        return dir.resolve("redis.log");
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void deleteDataFiles() {
        try {
            Files.deleteIfExists(dir.resolve("dump.rdb"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        EmbeddedZooKeeper.deleteTree(dir.resolve("appendonlydir"));
    }

    private void destroy(boolean forcibly) {
        ProcessHandle p = process;
        Process l = launcher;
        if (p == null) {
            return;
        }
        try {
            if (p.isAlive()) {
                if (paused && !forcibly) {
                    signal("CONT"); // a stopped process cannot act on SIGTERM
                }
                if (forcibly) {
                    p.destroyForcibly();
                } else {
                    p.destroy();
                }
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    p.destroyForcibly();
                    p.onExit().get(10, TimeUnit.SECONDS);
                }
            }
            if (l != null && !l.waitFor(5, TimeUnit.SECONDS)) { // the watchdog exits with the server
                l.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("redis-server " + p.pid() + " on port " + port + " does not exit", e);
        } finally {
            process = null;
            launcher = null;
            paused = false;
            LIVE.remove(this);
        }
    }

    private void signal(String name) {
        long pid = pid();
        try {
            Process k = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
            String out = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (k.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot send SIG" + name + " to " + pid + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + name, e);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private static void installHook() {
        if (hookInstalled) {
            return;
        }
        synchronized (LIVE) {
            if (!hookInstalled) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    for (RedisProcess r : LIVE) {
                        ProcessHandle p = r.process;
                        if (p != null) {
                            p.destroyForcibly();
                        }
                    }
                }, "redis-process-reaper"));
                hookInstalled = true;
            }
        }
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server", e);
        }
    }

    /**
     * Settings of a {@link RedisProcess}; every setter checks its argument.
     *
     * <p>Not thread-safe; build on one thread.
     */
    public static final class Builder {
        int port;
        String password;
        Path directory;
        Duration startTimeout = Duration.ofSeconds(10);
        final Map<String, List<String>> directives = new LinkedHashMap<>();
        String sentinelConfig;

        private Builder() {
        }

        /**
         * Listens on this port instead of a free one.
         *
         * @param port 1 to 65535
         * @return this builder
         * @throws IllegalArgumentException if port is outside 1..65535
         */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Requires this password ({@code requirepass}); {@link RedisProcess#uri()} includes it.
         *
         * @param password a non-blank password without whitespace
         * @return this builder
         * @throws IllegalArgumentException if password is null, blank or contains whitespace
         */
        public Builder requirePass(String password) {
            if (password == null || password.isBlank() || password.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("password must be non-blank without whitespace, was '" + password + "'");
            }
            this.password = password;
            directives.put("requirepass", List.of(password));
            return this;
        }

        /**
         * Turns the append-only file on ({@code appendonly yes}, {@code appendfsync everysec}).
         *
         * @param enabled true for an AOF
         * @return this builder
         */
        public Builder appendOnly(boolean enabled) {
            directives.put("appendonly", List.of(enabled ? "yes" : "no"));
            return this;
        }

        /**
         * Passes any configuration directive on the command line, as {@code --name value…};
         * a later call for the same name replaces the earlier one. For example
         * {@code config("maxmemory", "10mb")} or {@code config("save", "60", "1")}.
         *
         * @param name   the directive, without dashes
         * @param values its values
         * @return this builder
         * @throws IllegalArgumentException if name is null, blank or starts with '-', or values
         *                                  or one of them is null; for {@code port}, {@code bind}
         *                                  and {@code dir}, which this class manages
         */
        public Builder config(String name, String... values) {
            if (name == null || name.isBlank() || name.startsWith("-")) {
                throw new IllegalArgumentException("name must be a directive name without dashes, was '" + name + "'");
            }
            String key = name.toLowerCase(Locale.ROOT);
            if (key.equals("port") || key.equals("bind") || key.equals("dir")) {
                throw new IllegalArgumentException("name '" + name + "' is managed by RedisProcess; use port(int) or directory(Path)");
            }
            if (values == null) {
                throw new IllegalArgumentException("values must not be null");
            }
            for (String v : values) {
                if (v == null) {
                    throw new IllegalArgumentException("values must not contain null");
                }
            }
            if (key.equals("requirepass") && values.length == 1) {
                password = values[0];
            }
            directives.put(key, List.of(values));
            return this;
        }

        /**
         * Keeps the data in this directory instead of a temporary one; it is not deleted on close.
         *
         * @param directory the directory (created if missing)
         * @return this builder
         * @throws IllegalArgumentException if directory is null
         */
        public Builder directory(Path directory) {
            if (directory == null) {
                throw new IllegalArgumentException("directory must not be null");
            }
            this.directory = directory;
            return this;
        }

        /**
         * How long {@link RedisProcess#start()} waits for {@code PING} (default 10 s).
         *
         * @param timeout 100 ms to 5 min
         * @return this builder
         * @throws IllegalArgumentException if timeout is null or outside 100 ms..5 min
         */
        public Builder startTimeout(Duration timeout) {
            if (timeout == null || timeout.compareTo(Duration.ofMillis(100)) < 0
                    || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("timeout must be between 100 ms and 5 min, was " + timeout);
            }
            this.startTimeout = timeout;
            return this;
        }

        Builder sentinel(String sentinelDirectives) {
            this.sentinelConfig = sentinelDirectives;
            return this;
        }

        /**
         * Creates the (not yet started) process; chooses its free port now.
         *
         * @return a new instance; call {@link RedisProcess#start()}
         * @throws UncheckedIOException if the directory cannot be created
         */
        public RedisProcess build() {
            Builder b = new Builder();
            b.port = port;
            b.password = password;
            b.directory = directory;
            b.startTimeout = startTimeout;
            b.directives.putAll(directives);
            b.sentinelConfig = sentinelConfig;
            return new RedisProcess(b);
        }
    }
}
