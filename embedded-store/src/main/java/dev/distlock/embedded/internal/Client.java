package dev.distlock.embedded.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;

/**
 * The state a command sees of its caller: selected db, protocol, authentication, MULTI queue,
 * watched keys and subscriptions. A network {@link Conn} or a script's {@link ScriptClient}.
 * Touched only by the thread that owns the keyspace.
 */
abstract class Client {
    /** A queued MULTI command. */
    record Queued(Command cmd, byte[][] argv) {
    }

    /** A watched key and whether it was live when watched. */
    record Watched(Db db, Bytes key, boolean liveAtWatch) {
    }

    final RedisServerCore core;
    final long id;
    int db;
    int resp = 2;
    boolean authenticated;
    String user = "default";
    String name;
    String libName;
    String libVer;
    final long createdMillis = System.currentTimeMillis();
    long lastActiveMillis = createdMillis;
    String lastCmd = "NULL";

    ArrayList<Queued> multi;
    boolean multiError;
    ArrayList<Watched> watched;
    boolean casDirty;
    /** True while EXEC runs this client's queue (blocking commands do not block then). */
    boolean inExec;

    /** The replication offset after this client's last propagated write (for WAIT). */
    long woff;

    LinkedHashSet<Bytes> channels;
    LinkedHashSet<Bytes> patterns;

    Client(RedisServerCore core, long id) {
        this.core = core;
        this.id = id;
    }

    /** @return whether commands may block (not in EXEC, not in a script) */
    boolean mayBlock() {
        return !inExec;
    }

    int subscriptions() {
        return (channels == null ? 0 : channels.size()) + (patterns == null ? 0 : patterns.size());
    }

    Db db() {
        return core.db(db);
    }

    abstract boolean isScript();

    /** @return the connection, or null for a script client */
    Conn conn() {
        return null;
    }
}
