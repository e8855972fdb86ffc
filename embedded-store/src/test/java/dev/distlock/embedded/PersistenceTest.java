package dev.distlock.embedded;

import static dev.distlock.embedded.RawRedis.bulk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The append-only file under each fsync policy, snapshots, and restarts from disk after a power loss. */
class PersistenceTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));

    private EmbeddedRedisServer aof(AppendFsync policy) {
        return EmbeddedRedisServer.builder().clock(clock).appendOnly(dir, policy).build().start();
    }

    @Test
    void alwaysLosesNothingAcknowledgedOnAPowerLoss() {
        try (EmbeddedRedisServer s = aof(AppendFsync.ALWAYS); RawRedis r = new RawRedis(s)) {
            r.call("SET", "a", "1");
            r.call("HSET", "h", "f", "v");
            r.call("EVAL", "redis.call('INCR', 'n'); redis.call('RPUSH', 'l', 'x', 'y'); return 1", "0");
            r.call("DEL", "a");
            s.faults().crash();
            s.faults().restartFromDisk();
            try (RawRedis after = new RawRedis(s)) {
                assertThat(after.call("EXISTS", "a")).isEqualTo(":0\r\n");
                assertThat(after.call("HGET", "h", "f")).isEqualTo(bulk("v"));
                assertThat(after.call("GET", "n")).isEqualTo(bulk("1"));
                assertThat(after.call("LRANGE", "l", "0", "-1")).isEqualTo(RawRedis.bulks("x", "y"));
            }
        }
    }

    @Test
    void everysecLosesAtMostTheLastSecond() {
        try (EmbeddedRedisServer s = aof(AppendFsync.EVERYSEC); RawRedis r = new RawRedis(s)) {
            r.call("SET", "old", "1");
            clock.advance(Duration.ofMillis(1100)); // a second of server time: the next timer tick fsyncs
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> r.call("INFO", "persistence").contains("aof_buffer_length:0\r\n"));
            r.call("SET", "recent", "1"); // within the current second: not fsynced yet
            assertThat(r.call("INFO", "persistence")).doesNotContain("aof_buffer_length:0\r\n");
            s.faults().crash();
            s.faults().restartFromDisk();
            try (RawRedis after = new RawRedis(s)) {
                assertThat(after.call("GET", "old")).isEqualTo(bulk("1"));
                assertThat(after.call("GET", "recent")).isEqualTo("$-1\r\n");
            }
        }
    }

    @Test
    void noLosesWhatWasNeverSyncedButARewriteOrAProcessCrashKeepsIt() {
        try (EmbeddedRedisServer s = aof(AppendFsync.NO); RawRedis r = new RawRedis(s)) {
            r.call("SET", "a", "1");
            s.faults().crash();
            s.faults().restartFromDisk();
            try (RawRedis r2 = new RawRedis(s)) {
                assertThat(r2.call("DBSIZE")).as("nothing was synced").isEqualTo(":0\r\n");
                r2.call("SET", "a", "1");
                assertThat(r2.call("BGREWRITEAOF")).isEqualTo("+Background append only file rewriting started\r\n");
                r2.call("SET", "b", "2");
                s.faults().stop(); // a process crash: the page cache survives, so b reaches the file
                s.faults().restartFromDisk();
            }
            try (RawRedis r3 = new RawRedis(s)) {
                assertThat(r3.call("MGET", "a", "b")).isEqualTo(RawRedis.bulks("1", "2"));
                r3.call("SET", "c", "3");
                s.faults().crash(); // a power loss: c was never synced
                s.faults().restartFromDisk();
            }
            try (RawRedis r4 = new RawRedis(s)) {
                assertThat(r4.call("MGET", "a", "b", "c")).isEqualTo("*3\r\n" + bulk("1") + bulk("2") + "$-1\r\n");
            }
        }
    }

    @Test
    void keysAlreadyExpiredAtLoadTimeAreNotLoaded() {
        try (EmbeddedRedisServer s = aof(AppendFsync.ALWAYS); RawRedis r = new RawRedis(s)) {
            r.call("SET", "lock", "owner", "PX", "500");
            r.call("SET", "kept", "v", "PX", "60000");
            r.call("SET", "plain", "v");
            s.faults().crash();
            clock.advance(Duration.ofSeconds(1)); // the lock's TTL ran out while the server was down
            s.faults().restartFromDisk();
            try (RawRedis after = new RawRedis(s)) {
                assertThat(after.call("DBSIZE")).as("not even loaded as an expired key").isEqualTo(":2\r\n");
                assertThat(after.call("GET", "lock")).isEqualTo("$-1\r\n");
                assertThat(after.call("PTTL", "kept")).isEqualTo(":59000\r\n");
            }
        }
    }

    @Test
    void aSnapshotAndTheAppendOnlyFileRestoreTogether() throws IOException {
        Path data = dir.resolve("data");
        Path aofDir = dir.resolve("aof");
        EmbeddedRedisServer.Builder b = EmbeddedRedisServer.builder().clock(clock).dataDir(data)
                .appendOnly(aofDir, AppendFsync.ALWAYS);
        try (EmbeddedRedisServer s = b.build().start(); RawRedis r = new RawRedis(s)) {
            r.call("SET", "a", "1");
            r.call("ZADD", "z", "2.5", "m");
            s.save();
            r.call("SET", "a", "2");
            r.call("DEL", "z");
            assertThat(r.call("BGSAVE")).isEqualTo("+Background saving started\r\n");
            r.call("SET", "b", "3");
            s.faults().crash();
            s.faults().restartFromDisk();
            try (RawRedis after = new RawRedis(s)) {
                assertThat(after.call("MGET", "a", "b")).isEqualTo(RawRedis.bulks("2", "3"));
                assertThat(after.call("EXISTS", "z")).isEqualTo(":0\r\n");
            }
        }
        assertThat(Files.size(data.resolve("dump.snapshot"))).isPositive();
        // a new server on the same directories loads them (a clean close fsynced everything)
        try (EmbeddedRedisServer s = b.build().start(); RawRedis r = new RawRedis(s)) {
            assertThat(r.call("MGET", "a", "b")).isEqualTo(RawRedis.bulks("2", "3"));
        }
    }

    @Test
    void aSnapshotAloneRestoresWhatItHeld() {
        try (EmbeddedRedisServer s = EmbeddedRedisServer.builder().dataDir(dir).build().start(); RawRedis r = new RawRedis(s)) {
            r.call("SET", "x", "1");
            assertThat(r.call("SAVE")).isEqualTo("+OK\r\n");
            r.call("SET", "y", "2");
            s.faults().crash();
            s.faults().restartFromDisk();
            try (RawRedis after = new RawRedis(s)) {
                assertThat(after.call("MGET", "x", "y")).isEqualTo("*2\r\n" + bulk("1") + "$-1\r\n");
            }
        }
    }

    @Test
    void withoutDirectoriesThereIsNothingToSaveAndArgumentsAreChecked() throws IOException {
        try (EmbeddedRedisServer s = EmbeddedRedisServer.builder().build().start(); RawRedis r = new RawRedis(s)) {
            assertThat(r.call("SAVE")).startsWith("-ERR no directory for snapshots");
            assertThat(r.call("BGREWRITEAOF")).startsWith("-ERR the append-only file is not enabled");
            assertThatThrownBy(s::save).isInstanceOf(IllegalStateException.class).hasMessageContaining("dataDir");
            assertThat(r.call("CONFIG", "GET", "appendonly")).isEqualTo(RawRedis.bulks("appendonly", "no"));
        }
        Path file = Files.createFile(dir.resolve("file"));
        EmbeddedRedisServer.Builder b = EmbeddedRedisServer.builder();
        assertThatThrownBy(() -> b.appendOnly(null, AppendFsync.ALWAYS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("appendOnly dir");
        assertThatThrownBy(() -> b.appendOnly(dir, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("policy");
        assertThatThrownBy(() -> b.dataDir(file)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dataDir");
    }
}
