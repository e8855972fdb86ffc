package dev.distlock.embedded.internal;

import static dev.distlock.embedded.internal.Command.ALLOW_BUSY;
import static dev.distlock.embedded.internal.Command.BUSY_WAIT;
import static dev.distlock.embedded.internal.Command.FAST;
import static dev.distlock.embedded.internal.Command.LOADING;
import static dev.distlock.embedded.internal.Command.NOSCRIPT;
import static dev.distlock.embedded.internal.Command.STALE;
import static dev.distlock.embedded.internal.Command.TX;

import java.util.ArrayList;
import java.util.List;

/** MULTI, EXEC, DISCARD, WATCH and UNWATCH. */
final class TxCommands extends Cmds {
    TxCommands(RedisServerCore core) {
        super(core);
    }

    void register(CommandTable t) {
        int base = NOSCRIPT | LOADING | STALE | FAST | TX;
        t.add("multi", 1, base | ALLOW_BUSY, 0, 0, 0, op(0));
        t.add("exec", 1, NOSCRIPT | LOADING | STALE | TX, 0, 0, 0, op(1));
        t.add("discard", 1, base | BUSY_WAIT, 0, 0, 0, op(2));
        t.add("watch", -2, base | BUSY_WAIT, 1, -1, 1, op(3));
        t.add("unwatch", 1, base | BUSY_WAIT, 0, 0, 0, op(4));
    }

    @Override
    public void dispatch(int op, Client c, byte[][] a, Out o) {
        switch (op) {
            case 0 -> multi(c, a, o);
            case 1 -> exec(c, a, o);
            case 2 -> discardCmd(c, a, o);
            case 3 -> watch(c, a, o);
            case 4 -> unwatch(c, a, o);
            default -> throw new IllegalStateException("no handler " + op);
        }
    }

    private void multi(Client c, byte[][] a, Out out) {
        if (c.multi != null) {
            throw err("ERR MULTI calls can not be nested");
        }
        c.multi = new ArrayList<>();
        c.multiError = false;
        out.ok();
    }

    static void discard(Client c) {
        c.multi = null;
        c.multiError = false;
        unwatchAll(c);
    }

    private void discardCmd(Client c, byte[][] a, Out out) {
        if (c.multi == null) {
            throw err("ERR DISCARD without MULTI");
        }
        discard(c);
        out.ok();
    }

    private void exec(Client c, byte[][] a, Out out) {
        if (c.multi == null) {
            throw err("ERR EXEC without MULTI");
        }
        if (c.multiError) {
            discard(c);
            throw Errors.EXECABORT;
        }
        if (c.casDirty || watchedKeyExpired(c)) {
            discard(c);
            out.nullArray();
            return;
        }
        List<Client.Queued> queue = c.multi;
        if (core.repl.replica || core.repl.minReplicas > 0) {
            for (Client.Queued q : queue) {
                if (q.cmd().has(Command.WRITE)) {
                    String denied = core.repl.writeDenied();
                    if (denied != null) {
                        discard(c);
                        throw err(denied);
                    }
                    break;
                }
            }
        }
        c.multi = null;
        unwatchAll(c);
        Conn conn = c.conn();
        if (conn != null && !core.onLoanThread() && hasScript(queue)) {
            // a transaction with a script runs on the script thread, like the script itself
            core.loan(conn, () -> {
                ReplyBuilder rb = new ReplyBuilder(conn.resp == 3);
                runQueue(c, queue, rb);
                return rb.take();
            });
            return;
        }
        runQueue(c, queue, out);
    }

    private static boolean hasScript(List<Client.Queued> queue) {
        for (Client.Queued q : queue) {
            if (q.cmd().name.startsWith("eval")) {
                return true;
            }
        }
        return false;
    }

    private void runQueue(Client c, List<Client.Queued> queue, Out out) {
        out.array(queue.size());
        c.inExec = true;
        try {
            for (Client.Queued q : queue) {
                core.execute(c, q.cmd(), q.argv(), out);
            }
        } finally {
            c.inExec = false;
        }
    }

    private boolean watchedKeyExpired(Client c) {
        if (c.watched == null) {
            return false;
        }
        for (Client.Watched w : c.watched) {
            if (w.liveAtWatch() && !w.db().isLive(w.key().b)) {
                return true;
            }
        }
        return false;
    }

    private void watch(Client c, byte[][] a, Out out) {
        if (c.multi != null) {
            throw err("ERR WATCH inside MULTI is not allowed");
        }
        Db db = c.db();
        if (c.watched == null) {
            c.watched = new ArrayList<>();
        }
        outer:
        for (int i = 1; i < a.length; i++) {
            Bytes k = new Bytes(a[i]);
            for (Client.Watched w : c.watched) {
                if (w.db() == db && w.key().equals(k)) {
                    continue outer;
                }
            }
            c.watched.add(new Client.Watched(db, k, db.isLive(a[i])));
            if (db.watchers == null) {
                db.watchers = new java.util.HashMap<>();
            }
            db.watchers.computeIfAbsent(k, x -> new ArrayList<>()).add(c);
        }
        out.ok();
    }

    private void unwatch(Client c, byte[][] a, Out out) {
        unwatchAll(c);
        out.ok();
    }

    static void unwatchAll(Client c) {
        if (c.watched != null) {
            for (Client.Watched w : c.watched) {
                if (w.db().watchers != null) {
                    List<Client> l = w.db().watchers.get(w.key());
                    if (l != null) {
                        l.remove(c);
                        if (l.isEmpty()) {
                            w.db().watchers.remove(w.key());
                        }
                    }
                    if (w.db().watchers.isEmpty()) {
                        w.db().watchers = null;
                    }
                }
            }
            c.watched = null;
        }
        c.casDirty = false;
    }
}
