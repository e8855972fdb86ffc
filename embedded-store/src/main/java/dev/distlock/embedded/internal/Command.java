package dev.distlock.embedded.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** One command (or subcommand) of the table: name, arity, flags, key positions and handler. */
final class Command {
    static final int WRITE = 1;
    static final int READONLY = 1 << 1;
    static final int NOSCRIPT = 1 << 2;
    static final int NO_AUTH = 1 << 3;
    static final int ALLOW_BUSY = 1 << 4;
    /** Allowed while a RESP2 client is subscribed. */
    static final int PUBSUB = 1 << 5;
    /** Runs at once inside MULTI instead of being queued (MULTI, EXEC, DISCARD, WATCH, QUIT, RESET). */
    static final int TX = 1 << 6;
    static final int FAST = 1 << 7;
    static final int BLOCKING = 1 << 8;
    static final int LOADING = 1 << 9;
    static final int STALE = 1 << 10;
    static final int DENYOOM = 1 << 11;
    /** Allowed during a busy script but touches the keyspace, so it waits for the script. */
    static final int BUSY_WAIT = 1 << 12;

    /** What a command does. Writes its reply to {@code out} only; throws {@link RedisError} before writing. */
    @FunctionalInterface
    interface Handler {
        void run(Client c, byte[][] argv, Out out);
    }

    /**
     * A group of commands that runs its handlers by number: a group hands out {@link #op} handlers
     * and a {@code switch} in {@link #dispatch} runs them. One small class for every command instead
     * of one lambda class each, which a fresh JVM would have to spin (about 130 of them) before the
     * first reply.
     */
    interface Dispatcher {
        /** Runs the handler numbered {@code op}; the contract of {@link Handler#run}. */
        void dispatch(int op, Client c, byte[][] argv, Out out);
    }

    /** @return a handler that runs {@code dispatcher.dispatch(op, …)} */
    static Handler op(Dispatcher dispatcher, int op) {
        return new Op(dispatcher, op);
    }

    private static final class Op implements Handler {
        private final Dispatcher dispatcher;
        private final int op;

        Op(Dispatcher dispatcher, int op) {
            this.dispatcher = dispatcher;
            this.op = op;
        }

        @Override
        public void run(Client c, byte[][] argv, Out out) {
            dispatcher.dispatch(op, c, argv, out);
        }
    }

    final String name;
    final String fullName;
    final int arity;
    final int flags;
    final int firstKey;
    final int lastKey;
    final int step;
    final Handler handler;
    final Command parent;
    Map<String, Command> subs;

    Command(String name, String fullName, int arity, int flags, int firstKey, int lastKey, int step, Handler handler,
            Command parent) {
        this.name = name;
        this.fullName = fullName;
        this.arity = arity;
        this.flags = flags;
        this.firstKey = firstKey;
        this.lastKey = lastKey;
        this.step = step;
        this.handler = handler;
        this.parent = parent;
    }

    boolean arityOk(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    Command sub(String lowerName, int arity, int flags, Handler handler) {
        if (subs == null) {
            subs = new LinkedHashMap<>();
        }
        Command c = new Command(lowerName, name + "|" + lowerName, arity, flags, 0, 0, 0, handler, this);
        subs.put(lowerName, c);
        return this;
    }

    Command sub(String lowerName, int arity, int flags, int first, int last, int step, Handler handler) {
        if (subs == null) {
            subs = new LinkedHashMap<>();
        }
        subs.put(lowerName, new Command(lowerName, name + "|" + lowerName, arity, flags, first, last, step, handler, this));
        return this;
    }

    java.util.List<String> flagNames() {
        java.util.List<String> l = new java.util.ArrayList<>();
        if (has(WRITE)) {
            l.add("write");
        }
        if (has(READONLY)) {
            l.add("readonly");
        }
        if (has(DENYOOM)) {
            l.add("denyoom");
        }
        if (has(NOSCRIPT)) {
            l.add("noscript");
        }
        if (has(LOADING)) {
            l.add("loading");
        }
        if (has(STALE)) {
            l.add("stale");
        }
        if (has(PUBSUB)) {
            l.add("pubsub");
        }
        if (has(FAST)) {
            l.add("fast");
        }
        if (has(NO_AUTH)) {
            l.add("no_auth");
        }
        if (has(BLOCKING)) {
            l.add("blocking");
        }
        if (has(ALLOW_BUSY) || has(BUSY_WAIT)) {
            l.add("allow_busy");
        }
        return l;
    }
}
