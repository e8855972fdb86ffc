package dev.distlock.embedded.internal;

import dev.distlock.embedded.AppendFsync;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The append-only file and snapshots of one server. Event loop only.
 *
 * <h2>Design note</h2>
 * <p>Both files hold {@link Frames} records. The append-only file ({@value #AOF_NAME}) gets the
 * records of every write as {@link Replication#propagate()} makes them; a rewrite replaces it
 * with a snapshot of the data (its base) to which later records are appended. A snapshot file
 * ({@value #SNAPSHOT_NAME}) is written whole to a temporary file, fsynced and renamed.
 *
 * <p><b>What a power loss loses.</b> Appended bytes first go to {@link #pending}, which stands
 * for the operating system's page cache: only {@link #sync()} writes them to the file and fsyncs
 * it ({@link FileChannel#force}). {@code ALWAYS} syncs before replies leave (once per batch),
 * {@code EVERYSEC} when a second of the server clock has passed since the last sync, {@code NO}
 * only on a rewrite or a clean close. A power loss ({@link #shutdown(boolean) shutdown(true)})
 * drops what is pending; a process crash writes it (the page cache survives the process).
 *
 * <p><b>Loading.</b> The snapshot file, if any, then the append-only file, if any. A
 * {@code SNAPSHOT} record empties the data first; every other record sets the final state of a
 * key, so replaying an append-only file over an older snapshot is exact. Before a snapshot is
 * written the append-only file is synced, so the file always holds at least what the snapshot
 * holds. Keys whose deadline has passed at load time are not loaded; a torn last record is
 * ignored.
 */
final class Persistence {
    static final String AOF_NAME = "appendonly.aof";
    static final String SNAPSHOT_NAME = "dump.snapshot";
    /** NO policy: the page cache is written back once this much is pending (the OS would too). */
    private static final int WRITEBACK_LIMIT = 64 << 20;

    private final RedisServerCore core;
    final Path aofDir;
    volatile AppendFsync policy;
    final Path snapshotDir;
    private FileChannel aof;
    private final Frames.Sink pending = new Frames.Sink();
    private long lastFsyncMillis;
    long lastSaveSeconds;
    long fsyncs;
    long changesSinceSave;

    Persistence(RedisServerCore core, ServerConfig config) {
        this.core = core;
        this.aofDir = config.aofDir();
        this.policy = config.appendFsync();
        this.snapshotDir = config.snapshotDir();
        this.lastSaveSeconds = System.currentTimeMillis() / 1000;
    }

    boolean aofEnabled() {
        return aofDir != null;
    }

    int pendingBytes() {
        return pending.size();
    }

    long aofSize() {
        try {
            return aof == null ? 0 : aof.size();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Opens the append-only file for appending (idempotent). */
    void open() {
        if (aofDir == null || aof != null) {
            return;
        }
        try {
            Files.createDirectories(aofDir);
            aof = FileChannel.open(aofDir.resolve(AOF_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            lastFsyncMillis = core.now();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the append-only file in " + aofDir, e);
        }
    }

    void append(byte[] b, int off, int len) {
        changesSinceSave++;
        if (aof != null) {
            pending.write(b, off, len);
            if (pending.size() > WRITEBACK_LIMIT) {
                sync();
            }
        }
    }

    /** Before replies leave: ALWAYS makes what they acknowledge durable. */
    void beforeReplies() {
        if (policy == AppendFsync.ALWAYS && pending.size() > 0) {
            sync();
        }
    }

    /** Timer: EVERYSEC syncs once a second of the server clock has passed. */
    void cron(long nowMillis) {
        if (aof != null && policy == AppendFsync.EVERYSEC && nowMillis - lastFsyncMillis >= 1000) {
            sync();
            lastFsyncMillis = nowMillis;
        }
    }

    /** Writes what is pending to the file and fsyncs it. */
    void sync() {
        if (aof == null) {
            return;
        }
        try {
            write();
            aof.force(false);
            fsyncs++;
        } catch (IOException e) {
            core.log(System.Logger.Level.ERROR, "append-only file: write or fsync failed", e);
        }
    }

    private void write() throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(pending.array(), 0, pending.size());
        while (bb.hasRemaining()) {
            aof.write(bb);
        }
        pending.reset();
    }

    /**
     * Closes the append-only file as the process ends.
     *
     * @param powerLoss true: pending bytes are lost; false (a process crash): they reach the file
     */
    void shutdown(boolean powerLoss) {
        if (aof == null) {
            pending.reset();
            return;
        }
        try {
            if (powerLoss) {
                pending.reset();
            } else {
                write();
            }
            aof.close();
        } catch (IOException e) {
            core.log(System.Logger.Level.ERROR, "append-only file: close failed", e);
        }
        aof = null;
    }

    /** A clean close: everything is synced. */
    void close() {
        sync();
        shutdown(false);
    }

    /** Replaces the append-only file by a snapshot of the current data (BGREWRITEAOF, done at once). */
    void rewrite(RedisServerCore core) {
        if (aofDir == null) {
            return;
        }
        Frames.Sink s = new Frames.Sink();
        Frames.snapshot(s, core, core.repl.replid, core.repl.offset, core.now());
        try {
            Files.createDirectories(aofDir);
            writeAtomically(aofDir.resolve(AOF_NAME), s);
            if (aof != null) {
                aof.close();
                aof = null;
            }
            pending.reset(); // the base holds it all
            open();
        } catch (IOException e) {
            throw new UncheckedIOException("rewriting the append-only file failed", e);
        }
    }

    /** Writes a snapshot file (SAVE); the append-only file is synced first. */
    void save(RedisServerCore core) {
        if (snapshotDir == null) {
            throw new IllegalStateException("no directory for snapshots: set dataDir or appendOnly on the builder");
        }
        sync();
        Frames.Sink s = new Frames.Sink();
        Frames.snapshot(s, core, core.repl.replid, core.repl.offset, core.now());
        try {
            Files.createDirectories(snapshotDir);
            writeAtomically(snapshotDir.resolve(SNAPSHOT_NAME), s);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the snapshot failed", e);
        }
        lastSaveSeconds = System.currentTimeMillis() / 1000;
        changesSinceSave = 0;
    }

    private static void writeAtomically(Path target, Frames.Sink s) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bb = ByteBuffer.wrap(s.array(), 0, s.size());
            while (bb.hasRemaining()) {
                ch.write(bb);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true); // the rename itself
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform can fsync a directory
        }
    }

    /** Loads the snapshot file and then the append-only file into the (empty) data. */
    void load(RedisServerCore core) {
        try {
            if (snapshotDir != null) {
                Path snap = snapshotDir.resolve(SNAPSHOT_NAME);
                if (Files.exists(snap)) {
                    core.repl.applyAll(Unpooled.wrappedBuffer(Files.readAllBytes(snap)), true);
                }
            }
            if (aofDir != null) {
                Path file = aofDir.resolve(AOF_NAME);
                if (Files.exists(file)) {
                    core.repl.applyAll(Unpooled.wrappedBuffer(Files.readAllBytes(file)), true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("loading from disk failed", e);
        }
        core.repl.forgetTouched();
    }
}
