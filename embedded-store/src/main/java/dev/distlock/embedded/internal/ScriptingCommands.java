package dev.distlock.embedded.internal;

import static dev.distlock.embedded.internal.Command.ALLOW_BUSY;
import static dev.distlock.embedded.internal.Command.NOSCRIPT;
import static dev.distlock.embedded.internal.Command.STALE;

import dev.distlock.embedded.resp.Reply;
import dev.distlock.embedded.script.ScriptEngine;
import java.util.Arrays;
import java.util.List;

/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT, wired to the {@link ScriptEngine}.
 *
 * <p>A script called by a connection runs on the script thread with the keyspace on loan (see
 * {@link RedisServerCore#loan}); its {@code redis.call}s run directly on that thread through
 * {@link RedisServerCore#callFromScript}. Inside a transaction that is already on loan, the
 * script runs in line. SCRIPT KILL refuses a script that has written ({@code -UNKILLABLE}), as
 * Redis does.
 */
final class ScriptingCommands implements Scripting, Command.Dispatcher {
    private final RedisServerCore core;
    private volatile ScriptEngine engine;
    private volatile ScriptClient running;

    ScriptingCommands(RedisServerCore core) {
        this.core = core;
    }

    /** The engine, created on first use so that a server that runs no script starts faster. */
    private ScriptEngine engine() {
        ScriptEngine e = engine;
        if (e == null) {
            synchronized (this) {
                e = engine;
                if (e == null) {
                    e = new ScriptEngine(core.config.scriptTimeLimit());
                    engine = e;
                }
            }
        }
        return e;
    }

    private Command.Handler op(int op) {
        return Command.op(this, op);
    }

    @Override
    public void register(CommandTable t) {
        int f = NOSCRIPT | STALE;
        t.add("eval", -3, f, 0, 0, 0, op(0));
        t.add("evalsha", -3, f, 0, 0, 0, op(1));
        t.add("eval_ro", -3, f | Command.READONLY, 0, 0, 0, op(2));
        t.add("evalsha_ro", -3, f | Command.READONLY, 0, 0, 0, op(3));
        t.add("script", -2, NOSCRIPT, 0, 0, 0, null)
                .sub("load", 3, NOSCRIPT | STALE, op(4))
                .sub("exists", -3, NOSCRIPT, op(5))
                .sub("flush", -2, NOSCRIPT, op(6))
                .sub("kill", 2, NOSCRIPT | ALLOW_BUSY, op(7))
                .sub("help", 2, Command.LOADING | STALE, op(8));
    }

    @Override
    public void dispatch(int op, Client c, byte[][] a, Out o) {
        switch (op) {
            case 0 -> eval(c, a, o, false, false);
            case 1 -> eval(c, a, o, true, false);
            case 2 -> eval(c, a, o, false, true);
            case 3 -> eval(c, a, o, true, true);
            case 4 -> o.reply(engine().load(a[2]));
            case 5 -> exists(c, a, o);
            case 6 -> flushCmd(c, a, o);
            case 7 -> killCmd(c, a, o);
            case 8 -> o.bulks(List.of(Args.bytes(
                    "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are: EXISTS, FLUSH, KILL, LOAD")));
            default -> throw new IllegalStateException("no handler " + op);
        }
    }

    private void eval(Client c, byte[][] a, Out out, boolean sha, boolean readOnly) {
        long numKeys = Args.toLong(a[2]);
        if (numKeys > a.length - 3) {
            throw new RedisError("ERR Number of keys can't be greater than number of args");
        }
        if (numKeys < 0) {
            throw new RedisError("ERR Number of keys can't be negative");
        }
        byte[][] keys = Arrays.copyOfRange(a, 3, 3 + (int) numKeys);
        byte[][] args = Arrays.copyOfRange(a, 3 + (int) numKeys, a.length);
        byte[] body = a[1];
        ScriptClient sc = new ScriptClient(core, c, readOnly);
        Conn conn = c.conn();
        if (conn != null && !core.onLoanThread()) {
            core.loan(conn, () -> run(sc, sha, body, keys, args));
        } else {
            out.reply(run(sc, sha, body, keys, args));
        }
    }

    private Reply run(ScriptClient sc, boolean sha, byte[] body, byte[][] keys, byte[][] args) {
        ScriptClient outer = running;
        running = sc;
        try {
            return sha ? engine().evalsha(Args.str(body), keys, args, argv -> core.callFromScript(sc, argv))
                    : engine().eval(body, keys, args, argv -> core.callFromScript(sc, argv));
        } finally {
            running = outer;
        }
    }

    private void exists(Client c, byte[][] a, Out out) {
        out.array(a.length - 2);
        for (int i = 2; i < a.length; i++) {
            out.integer(engine().exists(Args.str(a[i])) ? 1 : 0);
        }
    }

    private void flushCmd(Client c, byte[][] a, Out out) {
        if (a.length > 3 || (a.length == 3 && !Args.is(a[2], "async") && !Args.is(a[2], "sync"))) {
            throw new RedisError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        }
        engine().flush();
        out.ok();
    }

    private void killCmd(Client c, byte[][] a, Out out) {
        ScriptClient sc = running;
        if (sc == null || engine == null) {
            throw Errors.NOTBUSY;
        }
        if (sc.wrote) {
            throw Errors.UNKILLABLE;
        }
        // the script may still be compiling (luaj's first use takes a moment): wait for it to run
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (running == sc && !engine().isRunning() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
        if (running != sc || !engine().kill()) {
            throw Errors.NOTBUSY;
        }
        out.ok();
    }

    @Override
    public void flush() {
        ScriptEngine e = engine;
        if (e != null) {
            e.flush();
        }
    }

    @Override
    public void kill(boolean force) {
        ScriptEngine e = engine;
        if (e != null && (force || (running != null && !running.wrote))) {
            e.kill();
        }
    }
}
