package dev.distlock.tests.safety;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The guarded resource of a safety run: a register holding one number, shared by every worker
 * process through a directory, that refuses writes carrying a fencing token lower than the
 * highest it has accepted, and logs every operation.
 *
 * <p>Every operation runs under an operating-system file lock (so processes take turns) and
 * gets the next number of one global sequence. That sequence is the history's clock: two
 * critical sections overlap exactly when their store operations interleave in it, with no
 * reliance on the clocks of separate JVMs.
 *
 * <p>Files: {@code state} (one fixed-size record: sequence, highest token, value, last hold)
 * rewritten in place with a single write, and {@code log} with one line per operation
 * ({@link StoreOp#toLine()}), appended with a single write before the state is updated. A
 * process killed with {@code kill -9} between the two leaves at most one logged operation
 * whose effect is missing from the state; the checker never relies on the state.
 *
 * <p>Thread-safe, and safe across processes on one machine.
 */
public final class FencedStore implements AutoCloseable {
    /** File locks belong to the process, so threads of one JVM take turns here first. */
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();
    private static final int STATE_SIZE = 160;

    private final Path directory;
    private final FileChannel state;
    private final FileChannel log;

    private FencedStore(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
        this.state = FileChannel.open(directory.resolve("state"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        this.log = FileChannel.open(logFile(directory), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    /**
     * Opens (creating if needed) the store in a directory.
     *
     * @param directory the store's directory, shared by every process of the run
     * @return the open store; close it when done
     * @throws IllegalArgumentException if {@code directory} is null
     * @throws UncheckedIOException if the files cannot be opened
     */
    public static FencedStore open(Path directory) {
        if (directory == null) {
            throw new IllegalArgumentException("directory must not be null");
        }
        try {
            return new FencedStore(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the fenced store in " + directory, e);
        }
    }

    /**
     * Returns the log file of the store in a directory.
     *
     * @param directory the store's directory
     * @return the path of its log
     */
    public static Path logFile(Path directory) {
        return directory.resolve("log");
    }

    /**
     * Reads every operation logged by the store in a directory, in sequence order.
     *
     * @param directory the store's directory
     * @return the operations; empty if nothing was logged
     * @throws UncheckedIOException if the log cannot be read
     */
    public static List<StoreOp> readLog(Path directory) {
        Path file = logFile(directory);
        List<StoreOp> ops = new ArrayList<>();
        if (!Files.exists(file)) {
            return ops;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    ops.add(StoreOp.parse(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ops.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        return ops;
    }

    /**
     * Reads the register (reads are never refused) and logs the read.
     *
     * @param holdId the critical section doing it
     * @param token the fencing token of its hold
     * @return the logged operation; {@link StoreOp#value()} is the register's value
     * @throws IllegalArgumentException if {@code holdId} is null, empty or has white space
     */
    public StoreOp read(String holdId, long token) {
        return apply(StoreOp.Kind.READ, holdId, token, 0);
    }

    /**
     * Writes the register if {@code token} is at least the highest token accepted so far, and
     * logs the attempt either way.
     *
     * @param holdId the critical section doing it
     * @param token the fencing token of its hold
     * @param value the new value
     * @return the logged operation; {@link StoreOp#accepted()} tells whether it was applied
     * @throws IllegalArgumentException if {@code holdId} is null, empty or has white space
     */
    public StoreOp write(String holdId, long token, long value) {
        return apply(StoreOp.Kind.WRITE, holdId, token, value);
    }

    /**
     * Returns the hold that did the last operation, or null if there was none. Used to aim a
     * fault at whoever is probably inside the critical section.
     *
     * @return the last hold's id and the kind of its operation, as {@code "<holdId> <kind>"}
     */
    public String lastOperation() {
        IN_PROCESS.lock();
        try (FileLock ignored = state.lock()) {
            String[] s = readState();
            return s == null ? null : s[3] + " " + s[4];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            IN_PROCESS.unlock();
        }
    }

    private StoreOp apply(StoreOp.Kind kind, String holdId, long token, long value) {
        StoreOp.checkId(holdId);
        IN_PROCESS.lock();
        try (FileLock ignored = state.lock()) {
            String[] s = readState();
            long seq = s == null ? 0 : Long.parseLong(s[0]);
            long highest = s == null ? Long.MIN_VALUE : Long.parseLong(s[1]);
            long current = s == null ? 0 : Long.parseLong(s[2]);
            seq++;
            boolean accepted;
            long newValue;
            long newHighest = highest;
            if (kind == StoreOp.Kind.READ) {
                accepted = true;
                newValue = current;
            } else {
                accepted = token >= highest;
                newValue = accepted ? value : current;
                if (accepted) {
                    newHighest = token;
                }
            }
            StoreOp op = new StoreOp(seq, kind, holdId, token, accepted, highest, kind == StoreOp.Kind.READ ? current : value,
                    Micros.now());
            log.write(ByteBuffer.wrap((op.toLine() + "\n").getBytes(StandardCharsets.UTF_8)));
            String record = seq + " " + newHighest + " " + newValue + " " + holdId + " " + kind;
            byte[] padded = new byte[STATE_SIZE];
            java.util.Arrays.fill(padded, (byte) ' ');
            byte[] raw = record.getBytes(StandardCharsets.UTF_8);
            if (raw.length >= STATE_SIZE) {
                throw new IllegalArgumentException("holdId is too long for the store: " + holdId);
            }
            System.arraycopy(raw, 0, padded, 0, raw.length);
            padded[STATE_SIZE - 1] = '\n';
            state.write(ByteBuffer.wrap(padded), 0);
            return op;
        } catch (IOException e) {
            throw new UncheckedIOException("fenced store in " + directory + " failed", e);
        } finally {
            IN_PROCESS.unlock();
        }
    }

    private String[] readState() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(STATE_SIZE);
        int n = 0;
        while (buf.hasRemaining()) {
            int r = state.read(buf, n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        if (n == 0) {
            return null;
        }
        String text = new String(buf.array(), 0, n, StandardCharsets.UTF_8).trim();
        return text.isEmpty() ? null : text.split(" ");
    }

    /** Closes the files; the data stays in the directory. */
    @Override
    public void close() {
        try {
            state.close();
            log.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
