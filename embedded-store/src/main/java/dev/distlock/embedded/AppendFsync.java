package dev.distlock.embedded;

/**
 * When an {@link EmbeddedRedisServer} with an append-only file makes its writes durable (Redis's
 * {@code appendfsync}). Bytes appended but not yet fsynced stand for the operating system's page
 * cache: they are lost by {@link RedisFaults#crash()} (a power loss) and kept by
 * {@link RedisFaults#stop()} (a process crash).
 */
public enum AppendFsync {
    /** Every write is fsynced before its reply is sent (group commit per event-loop batch): a crash loses nothing acknowledged. */
    ALWAYS,
    /** Fsync about once a second of the server's clock: a crash loses at most the last second of writes. */
    EVERYSEC,
    /** Never fsync on the write path; only a rewrite ({@code BGREWRITEAOF}) or a clean close makes writes durable. */
    NO
}
