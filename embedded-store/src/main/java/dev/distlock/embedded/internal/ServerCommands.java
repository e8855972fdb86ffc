package dev.distlock.embedded.internal;

import static dev.distlock.embedded.internal.Command.ALLOW_BUSY;
import static dev.distlock.embedded.internal.Command.BUSY_WAIT;
import static dev.distlock.embedded.internal.Command.FAST;
import static dev.distlock.embedded.internal.Command.LOADING;
import static dev.distlock.embedded.internal.Command.NOSCRIPT;
import static dev.distlock.embedded.internal.Command.NO_AUTH;
import static dev.distlock.embedded.internal.Command.PUBSUB;
import static dev.distlock.embedded.internal.Command.READONLY;
import static dev.distlock.embedded.internal.Command.STALE;
import static dev.distlock.embedded.internal.Command.TX;
import static dev.distlock.embedded.internal.Command.WRITE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Connection and server commands: HELLO, AUTH, PING, SELECT, CLIENT, COMMAND, INFO, CONFIG… */
final class ServerCommands extends Cmds {
    private static final byte[] PONG = Args.bytes("pong");
    private static final byte[] EMPTY = new byte[0];

    ServerCommands(RedisServerCore core) {
        super(core);
    }

    void register(CommandTable t) {
        int conn = NOSCRIPT | LOADING | STALE | FAST;
        t.add("hello", -1, conn | NO_AUTH | ALLOW_BUSY, 0, 0, 0, op(0));
        t.add("auth", -2, conn | NO_AUTH | ALLOW_BUSY, 0, 0, 0, op(1));
        t.add("ping", -1, FAST | PUBSUB, 0, 0, 0, op(2));
        t.add("echo", 2, FAST, 0, 0, 0, op(3));
        t.add("select", 2, LOADING | STALE | FAST, 0, 0, 0, op(4));
        t.add("quit", -1, conn | NO_AUTH | ALLOW_BUSY | PUBSUB | TX, 0, 0, 0, op(5));
        t.add("reset", 1, conn | NO_AUTH | BUSY_WAIT | PUBSUB | TX, 0, 0, 0, op(6));
        t.add("time", 1, LOADING | STALE | FAST, 0, 0, 0, op(7));
        t.add("dbsize", 1, READONLY | FAST, 0, 0, 0, op(8));
        t.add("flushdb", -1, WRITE, 0, 0, 0, op(9));
        t.add("flushall", -1, WRITE, 0, 0, 0, op(10));
        t.add("wait", 3, NOSCRIPT, 0, 0, 0, op(11)); // noscript, as in Redis 7.0
        t.add("info", -1, LOADING | STALE, 0, 0, 0, op(12));
        t.add("lastsave", 1, LOADING | STALE | FAST, 0, 0, 0, op(13));
        t.add("client", -2, 0, 0, 0, 0, null)
                .sub("id", 2, conn, op(14))
                .sub("setname", 3, conn, op(15))
                .sub("getname", 2, conn, op(16))
                .sub("setinfo", 4, conn, op(17))
                .sub("info", 2, conn, op(18))
                .sub("list", -2, conn, op(19))
                .sub("kill", -3, NOSCRIPT | LOADING | STALE, op(20))
                .sub("maint_notifications", -3, conn, op(21))
                .sub("no-evict", 3, conn, op(22))
                .sub("no-touch", 3, conn, op(23))
                .sub("help", 2, conn, op(24));
        t.add("command", -1, LOADING | STALE, 0, 0, 0, op(25))
                .sub("count", 2, LOADING | STALE, op(26))
                .sub("info", -2, LOADING | STALE, op(27))
                .sub("docs", -2, LOADING | STALE, op(28))
                .sub("list", -2, LOADING | STALE, op(29));
        t.add("config", -2, 0, 0, 0, 0, null)
                .sub("get", -3, NOSCRIPT | LOADING | STALE, op(30))
                .sub("set", -4, NOSCRIPT | LOADING | STALE, op(31))
                .sub("resetstat", 2, NOSCRIPT | LOADING | STALE, op(32));
        t.add("acl", -2, 0, 0, 0, 0, null)
                .sub("whoami", 2, NOSCRIPT | LOADING | STALE, op(33));
        t.add("psync", -3, NOSCRIPT | LOADING | STALE, 0, 0, 0, op(34));
        t.add("replconf", -1, NOSCRIPT | LOADING | STALE | ALLOW_BUSY, 0, 0, 0, op(35));
        t.add("replicaof", 3, NOSCRIPT | STALE, 0, 0, 0, op(36));
        t.add("slaveof", 3, NOSCRIPT | STALE, 0, 0, 0, op(36));
        t.add("role", 1, NOSCRIPT | LOADING | STALE | FAST, 0, 0, 0, op(37));
        t.add("save", 1, NOSCRIPT, 0, 0, 0, op(38));
        t.add("bgsave", -1, NOSCRIPT, 0, 0, 0, op(39));
        t.add("bgrewriteaof", 1, NOSCRIPT, 0, 0, 0, op(40));
    }

    @Override
    public void dispatch(int op, Client c, byte[][] a, Out o) {
        switch (op) {
            case 0 -> hello(c, a, o);
            case 1 -> auth(c, a, o);
            case 2 -> ping(c, a, o);
            case 3 -> o.bulk(a[1]);
            case 4 -> select(c, a, o);
            case 5 -> quit(c, a, o);
            case 6 -> reset(c, a, o);
            case 7 -> time(c, a, o);
            case 8 -> o.integer(c.db().size());
            case 9 -> flushdb(c, a, o);
            case 10 -> flushall(c, a, o);
            case 11 -> waitCmd(c, a, o);
            case 12 -> info(c, a, o);
            case 13 -> o.integer(core.persistence != null ? core.persistence.lastSaveSeconds
                    : core.uptimeStartSeconds());
            case 14 -> o.integer(c.id);
            case 15 -> clientSetname(c, a, o);
            case 16 -> {
                if (c.name == null) {
                    o.nullBulk();
                } else {
                    o.bulk(c.name);
                }
            }
            case 17 -> clientSetinfo(c, a, o);
            case 18 -> o.verbatim(clientLine(c) + "\n");
            case 19 -> clientList(c, a, o);
            case 20 -> clientKill(c, a, o);
            case 21 -> o.ok();
            case 22 -> o.ok();
            case 23 -> o.ok();
            case 24 -> o.bulks(List.of(Args.bytes(
                    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are: ID, SETNAME, GETNAME, "
                            + "SETINFO, INFO, LIST, KILL")));
            case 25 -> commandAll(core.commands, c, o);
            case 26 -> o.integer(core.commands.all().size());
            case 27 -> commandInfo(core.commands, c, a, o);
            case 28 -> o.map(0);
            case 29 -> {
                List<byte[]> names = new ArrayList<>();
                for (Command cmd : core.commands.all()) {
                    names.add(Args.bytes(cmd.name));
                }
                o.bulks(names);
            }
            case 30 -> configGet(c, a, o);
            case 31 -> configSet(c, a, o);
            case 32 -> o.ok();
            case 33 -> o.bulk(c.user);
            case 34 -> psync(c, a, o);
            case 35 -> replconf(c, a, o);
            case 36 -> replicaof(c, a, o);
            case 37 -> core.repl.role(o);
            case 38 -> {
                save();
                o.ok();
            }
            case 39 -> {
                if (a.length > 2 || (a.length == 2 && !Args.is(a[1], "schedule"))) {
                    throw Errors.SYNTAX;
                }
                save(); // done at once: the embedded store does not fork
                o.simple("Background saving started");
            }
            case 40 -> {
                Persistence p = core.persistence;
                if (p == null || !p.aofEnabled()) {
                    throw err("ERR the append-only file is not enabled (EmbeddedRedisServer.Builder.appendOnly)");
                }
                core.repl.propagate();
                p.rewrite(core); // done at once
                o.simple("Background append only file rewriting started");
            }
            default -> throw new IllegalStateException("no handler " + op);
        }
    }

    /** COMMAND with no subcommand lists everything. */
    void commandAll(CommandTable t, Client c, Out out) {
        out.array(t.all().size());
        for (Command cmd : t.all()) {
            writeInfo(cmd, out);
        }
    }

    private void commandInfo(CommandTable t, Client c, byte[][] a, Out out) {
        if (a.length == 2) {
            commandAll(t, c, out);
            return;
        }
        out.array(a.length - 2);
        for (int i = 2; i < a.length; i++) {
            String name = Args.lower(a[i]);
            Command cmd = t.get(name);
            if (cmd == null && name.contains("|")) {
                String[] parts = name.split("\\|", 2);
                Command parent = t.get(parts[0]);
                cmd = parent == null || parent.subs == null ? null : parent.subs.get(parts[1]);
            }
            if (cmd == null) {
                out.nullBulk();
            } else {
                writeInfo(cmd, out);
            }
        }
    }

    private void writeInfo(Command cmd, Out out) {
        out.array(10);
        out.bulk(cmd.fullName);
        out.integer(cmd.arity);
        List<String> flags = cmd.flagNames();
        out.set(flags.size());
        for (String f : flags) {
            out.simple(f);
        }
        out.integer(cmd.firstKey);
        out.integer(cmd.lastKey);
        out.integer(cmd.step);
        out.set(0);
        out.array(0);
        out.array(0);
        if (cmd.subs == null) {
            out.array(0);
        } else {
            out.array(cmd.subs.size());
            for (Command s : cmd.subs.values()) {
                writeInfo(s, out);
            }
        }
    }

    private boolean checkPassword(String user, String pass) {
        if (user.equals("default")) {
            String rp = core.config.requirePass();
            return rp == null || rp.equals(pass);
        }
        String p = core.config.users().get(user);
        return p != null && p.equals(pass);
    }

    private void auth(Client c, byte[][] a, Out out) {
        if (a.length > 3) {
            throw Errors.SYNTAX;
        }
        String user = a.length == 3 ? Args.str(a[1]) : "default";
        String pass = Args.str(a[a.length - 1]);
        if (a.length == 2 && !core.authRequired()) {
            throw err("ERR AUTH <password> called without any password configured for the default user. "
                            + "Are you sure your configuration is correct?");
        }
        if (!checkPassword(user, pass)) {
            throw Errors.WRONGPASS;
        }
        c.authenticated = true;
        c.user = user;
        out.ok();
    }

    private void hello(Client c, byte[][] a, Out out) {
        int proto = c.resp;
        if (a.length >= 2) {
            long v;
            try {
                v = Args.toLong(a[1]);
            } catch (RedisError e) {
                throw err("ERR Protocol version is not an integer or out of range");
            }
            if (v < 2 || v > 3) {
                throw err("NOPROTO unsupported protocol version");
            }
            proto = (int) v;
        }
        String authUser = null;
        String authPass = null;
        String setName = null;
        for (int i = 2; i < a.length; i++) {
            int left = a.length - i - 1;
            if (Args.is(a[i], "auth") && left >= 2) {
                authUser = Args.str(a[i + 1]);
                authPass = Args.str(a[i + 2]);
                i += 2;
            } else if (Args.is(a[i], "setname") && left >= 1) {
                setName = Args.str(a[i + 1]);
                i += 1;
            } else {
                throw err("ERR Syntax error in HELLO option '" + Args.printable(Args.str(a[i]), 128) + "'");
            }
        }
        if (authUser != null) {
            if (!checkPassword(authUser, authPass)) {
                throw Errors.WRONGPASS;
            }
            c.authenticated = true;
            c.user = authUser;
        }
        if (!c.authenticated) {
            throw err("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
                            + "AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
                            + "protocol version at the same time");
        }
        if (setName != null) {
            checkName(setName);
            c.name = setName.isEmpty() ? null : setName;
        }
        c.resp = proto;
        out.map(7);
        out.bulk("server");
        out.bulk("redis");
        out.bulk("version");
        out.bulk(RedisServerCore.VERSION);
        out.bulk("proto");
        out.integer(proto);
        out.bulk("id");
        out.integer(c.id);
        out.bulk("mode");
        out.bulk("standalone");
        out.bulk("role");
        out.bulk(core.repl.replica ? "replica" : "master");
        out.bulk("modules");
        out.array(0);
    }

    private static void checkName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < '!' || ch > '~') {
                throw err("ERR Client names cannot contain spaces, newlines or special characters.");
            }
        }
    }

    private void ping(Client c, byte[][] a, Out out) {
        if (a.length > 2) {
            throw Errors.wrongArity("ping");
        }
        if (c.resp == 2 && c.subscriptions() > 0) {
            out.array(2);
            out.bulk(PONG);
            out.bulk(a.length == 2 ? a[1] : EMPTY);
            return;
        }
        if (a.length == 2) {
            out.bulk(a[1]);
        } else {
            out.simple("PONG");
        }
    }

    private void select(Client c, byte[][] a, Out out) {
        long idx = Args.toLong(a[1]);
        if (idx < 0 || idx >= core.dbCount()) {
            throw Errors.DB_RANGE;
        }
        c.db = (int) idx;
        out.ok();
    }

    private void quit(Client c, byte[][] a, Out out) {
        out.ok();
        if (c.conn() != null) {
            c.conn().closeAfterReply();
        }
    }

    private void reset(Client c, byte[][] a, Out out) {
        TxCommands.discard(c);
        core.pubsub.unsubscribeAll(c, null);
        c.db = 0;
        c.resp = 2;
        c.name = null;
        c.user = "default";
        c.authenticated = !core.authRequired();
        out.simple("RESET");
    }

    private void time(Client c, byte[][] a, Out out) {
        long micros = core.nowMicros();
        out.array(2);
        out.bulk(Long.toString(Math.floorDiv(micros, 1_000_000L)));
        out.bulk(Long.toString(Math.floorMod(micros, 1_000_000L)));
    }

    private void flushOption(byte[][] a) {
        if (a.length > 2 || (a.length == 2 && !Args.is(a[1], "async") && !Args.is(a[1], "sync"))) {
            throw Errors.SYNTAX;
        }
    }

    private void flushdb(Client c, byte[][] a, Out out) {
        flushOption(a);
        Db db = c.db();
        db.modifiedAll();
        db.clear();
        out.ok();
    }

    private void flushall(Client c, byte[][] a, Out out) {
        flushOption(a);
        core.flushAll();
        out.ok();
    }

    private void waitCmd(Client c, byte[][] a, Out out) {
        long n = Args.toLong(a[1]);
        long timeout = Args.toLong(a[2]);
        if (timeout < 0) {
            throw err("ERR timeout is negative");
        }
        if (core.repl.replica) {
            throw err("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a "
                    + "replica is configured to be writable (which is not the default) writes to replicas are just "
                    + "local and are not propagated.");
        }
        core.repl.waitCmd(c, n, timeout, out);
    }

    private void save() {
        Persistence p = core.persistence;
        if (p == null) {
            throw err("ERR no directory for snapshots (EmbeddedRedisServer.Builder.dataDir or appendOnly)");
        }
        core.repl.propagate();
        try {
            p.save(core);
        } catch (RuntimeException e) {
            throw err("ERR " + e.getMessage());
        }
    }

    private void psync(Client c, byte[][] a, Out out) {
        Conn conn = c.conn();
        if (conn == null || c.multi != null) {
            throw err("ERR Replica can't interact with the keyspace");
        }
        core.repl.psync(conn, a);
    }

    private void replconf(Client c, byte[][] a, Out out) {
        if (a.length % 2 == 0) {
            throw Errors.SYNTAX;
        }
        for (int i = 1; i < a.length; i += 2) {
            if (Args.is(a[i], "ack") || Args.is(a[i], "getack")) {
                return; // acks are never answered
            }
            if (Args.is(a[i], "listening-port") && c.conn() != null) {
                long p = Args.toLong(a[i + 1]);
                c.conn().replListeningPort = (int) p;
            }
        }
        out.ok();
    }

    private void replicaof(Client c, byte[][] a, Out out) {
        if (Args.is(a[1], "no") && Args.is(a[2], "one")) {
            core.repl.promote();
            out.ok();
            return;
        }
        long port;
        try {
            port = Args.toLong(a[2]);
        } catch (RedisError e) {
            throw err("ERR Invalid master port");
        }
        if (port < 1 || port > 65535) {
            throw err("ERR Invalid master port");
        }
        String host = Args.str(a[1]);
        if (port == core.port() && (host.equals(core.config.bindAddress()) || host.equals("localhost"))) {
            throw err("ERR a server can not be a replica of itself");
        }
        if (core.repl.replicaOf(host, (int) port)) {
            out.ok();
        } else {
            out.simple("OK Already connected to specified master");
        }
    }

    private void clientSetname(Client c, byte[][] a, Out out) {
        String name = Args.str(a[2]);
        checkName(name);
        c.name = name.isEmpty() ? null : name;
        out.ok();
    }

    private void clientSetinfo(Client c, byte[][] a, Out out) {
        String attr = Args.lower(a[2]);
        String value = Args.str(a[3]);
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch < '!' || ch > '~') {
                throw err("ERR " + attr + " cannot contain spaces, newlines or special characters.");
            }
        }
        if (attr.equals("lib-name")) {
            c.libName = value;
        } else if (attr.equals("lib-ver")) {
            c.libVer = value;
        } else {
            throw err("ERR Unrecognized option '" + Args.str(a[2]) + "'");
        }
        out.ok();
    }

    String clientLine(Client c) {
        long now = System.currentTimeMillis();
        Conn conn = c.conn();
        String flags = c.multi != null ? "x" : c.subscriptions() > 0 ? "P" : conn != null && conn.block != null ? "b" : "N";
        return "id=" + c.id + " addr=" + (conn == null ? "" : conn.addr) + " laddr=" + (conn == null ? "" : conn.laddr)
                + " fd=" + (7 + c.id) + " name=" + (c.name == null ? "" : c.name)
                + " age=" + (now - c.createdMillis) / 1000 + " idle=" + (now - c.lastActiveMillis) / 1000
                + " flags=" + flags + " db=" + c.db
                + " sub=" + (c.channels == null ? 0 : c.channels.size())
                + " psub=" + (c.patterns == null ? 0 : c.patterns.size()) + " ssub=0"
                + " multi=" + (c.multi == null ? -1 : c.multi.size())
                + " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 omem=0 tot-mem=0"
                + " events=r cmd=" + c.lastCmd + " user=" + c.user + " redir=-1 resp=" + c.resp
                + " lib-name=" + (c.libName == null ? "" : c.libName) + " lib-ver=" + (c.libVer == null ? "" : c.libVer);
    }

    private void clientList(Client c, byte[][] a, Out out) {
        List<Long> ids = null;
        String type = null;
        for (int i = 2; i < a.length; i++) {
            if (Args.is(a[i], "type") && i + 1 < a.length) {
                type = Args.lower(a[++i]);
                if (!List.of("normal", "master", "replica", "slave", "pubsub").contains(type)) {
                    throw err("ERR Unknown client type '" + Args.str(a[i]) + "'");
                }
            } else if (Args.is(a[i], "id") && i + 1 < a.length) {
                ids = new ArrayList<>();
                for (i++; i < a.length; i++) {
                    long id = Args.parseLongOrMin(a[i], 0, a[i].length);
                    if (id <= 0) {
                        throw err("ERR Invalid client ID");
                    }
                    ids.add(id);
                }
            } else {
                throw Errors.SYNTAX;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Conn x : core.conns.values()) {
            if (ids != null && !ids.contains(x.id)) {
                continue;
            }
            if (type != null) {
                boolean pub = x.subscriptions() > 0;
                if (type.equals("pubsub") != pub || type.equals("master") || type.startsWith("repl") || type.equals("slave")) {
                    continue;
                }
            }
            sb.append(clientLine(x)).append('\n');
        }
        out.verbatim(sb.toString());
    }

    private void clientKill(Client c, byte[][] a, Out out) {
        if (a.length == 3) {
            String addr = Args.str(a[2]);
            for (Conn x : core.conns.values()) {
                if (x.addr.equals(addr)) {
                    kill(c, x);
                    out.ok();
                    return;
                }
            }
            throw Errors.NO_SUCH_CLIENT;
        }
        if ((a.length - 2) % 2 != 0) {
            throw Errors.SYNTAX;
        }
        Long id = null;
        String addr = null;
        String laddr = null;
        String user = null;
        String type = null;
        boolean skipMe = true;
        for (int i = 2; i < a.length; i += 2) {
            byte[] v = a[i + 1];
            if (Args.is(a[i], "id")) {
                long x = Args.parseLongOrMin(v, 0, v.length);
                if (x <= 0) {
                    throw err("ERR client-id should be greater than 0");
                }
                id = x;
            } else if (Args.is(a[i], "addr")) {
                addr = Args.str(v);
            } else if (Args.is(a[i], "laddr")) {
                laddr = Args.str(v);
            } else if (Args.is(a[i], "user")) {
                user = Args.str(v);
            } else if (Args.is(a[i], "type")) {
                type = Args.lower(v);
            } else if (Args.is(a[i], "skipme")) {
                if (Args.is(v, "yes")) {
                    skipMe = true;
                } else if (Args.is(v, "no")) {
                    skipMe = false;
                } else {
                    throw Errors.SYNTAX;
                }
            } else if (Args.is(a[i], "maxage")) {
                Args.toLong(v);
            } else {
                throw Errors.SYNTAX;
            }
        }
        long killed = 0;
        for (Conn x : new ArrayList<>(core.conns.values())) {
            if ((id != null && x.id != id) || (addr != null && !x.addr.equals(addr))
                    || (laddr != null && !x.laddr.equals(laddr)) || (user != null && !x.user.equals(user))
                    || (type != null && type.equals("pubsub") != (x.subscriptions() > 0))
                    || (skipMe && x == c.conn())) {
                continue;
            }
            kill(c, x);
            killed++;
        }
        out.integer(killed);
    }

    private void kill(Client self, Conn victim) {
        if (victim == self.conn()) {
            victim.closeAfterReply();
        } else {
            victim.ch.close();
        }
    }

    private static final Map<String, String> CONFIG_DEFAULTS = new LinkedHashMap<>();

    static {
        CONFIG_DEFAULTS.put("maxmemory", "0");
        CONFIG_DEFAULTS.put("maxmemory-policy", "noeviction");
        CONFIG_DEFAULTS.put("timeout", "0");
        CONFIG_DEFAULTS.put("save", "");
        CONFIG_DEFAULTS.put("appendonly", "no");
        CONFIG_DEFAULTS.put("notify-keyspace-events", "");
        CONFIG_DEFAULTS.put("proto-max-bulk-len", Long.toString(Conn.MAX_BULK));
        CONFIG_DEFAULTS.put("cluster-enabled", "no");
        CONFIG_DEFAULTS.put("hz", "10");
    }

    private Map<String, String> configValues() {
        Map<String, String> m = new LinkedHashMap<>(CONFIG_DEFAULTS);
        m.put("databases", Integer.toString(core.dbCount()));
        m.put("port", Integer.toString(core.port()));
        m.put("bind", core.config.bindAddress());
        m.put("requirepass", core.config.requirePass() == null ? "" : core.config.requirePass());
        m.put("busy-reply-threshold", Long.toString(core.config.busyThreshold().toMillis()));
        m.put("lua-time-limit", Long.toString(core.config.busyThreshold().toMillis()));
        m.putAll(configOverrides);
        Persistence p = core.persistence;
        m.put("appendonly", p != null && p.aofEnabled() ? "yes" : "no");
        m.put("appendfsync", p != null ? p.policy.name().toLowerCase(java.util.Locale.ROOT) : "everysec");
        m.put("dir", p == null || p.snapshotDir == null ? "" : p.snapshotDir.toString());
        m.put("min-replicas-to-write", Integer.toString(core.repl.minReplicas));
        m.put("min-replicas-max-lag", Long.toString(core.repl.maxLagMillis / 1000));
        m.put("repl-backlog-size", Integer.toString(core.repl.backlogSize));
        m.put("replica-read-only", "yes");
        return m;
    }

    private final Map<String, String> configOverrides = new LinkedHashMap<>();

    private void configGet(Client c, byte[][] a, Out out) {
        Map<String, String> values = configValues();
        Map<String, String> found = new LinkedHashMap<>();
        for (int i = 2; i < a.length; i++) {
            byte[] p = Args.bytes(Args.lower(a[i]));
            for (Map.Entry<String, String> e : values.entrySet()) {
                if (Glob.matches(p, Args.bytes(e.getKey()))) {
                    found.put(e.getKey(), e.getValue());
                }
            }
        }
        out.map(found.size());
        for (Map.Entry<String, String> e : found.entrySet()) {
            out.bulk(e.getKey());
            out.bulk(e.getValue());
        }
    }

    private void configSet(Client c, byte[][] a, Out out) {
        if (a.length % 2 != 0) {
            throw Errors.wrongArity("config|set");
        }
        List<Runnable> effects = new ArrayList<>();
        for (int i = 2; i < a.length; i += 2) {
            String name = Args.lower(a[i]);
            String value = Args.str(a[i + 1]);
            switch (name) {
                case "min-replicas-to-write" -> {
                    long v = configNumber(name, value, 0, Integer.MAX_VALUE);
                    effects.add(() -> core.repl.minReplicas = (int) v);
                }
                case "min-replicas-max-lag" -> {
                    long v = configNumber(name, value, 0, Integer.MAX_VALUE);
                    effects.add(() -> core.repl.maxLagMillis = v * 1000);
                }
                case "repl-backlog-size" -> {
                    long v = configNumber(name, value, 16, Integer.MAX_VALUE - 8);
                    effects.add(() -> core.repl.resizeBacklog((int) v));
                }
                case "appendfsync" -> {
                    dev.distlock.embedded.AppendFsync policy = switch (value.toLowerCase(java.util.Locale.ROOT)) {
                        case "always" -> dev.distlock.embedded.AppendFsync.ALWAYS;
                        case "everysec" -> dev.distlock.embedded.AppendFsync.EVERYSEC;
                        case "no" -> dev.distlock.embedded.AppendFsync.NO;
                        default -> throw err("ERR CONFIG SET failed (possibly related to argument 'appendfsync') - "
                                + "argument(s) must be one of the following: always, everysec, no");
                    };
                    if (core.persistence == null || !core.persistence.aofEnabled()) {
                        throw err("ERR CONFIG SET failed (possibly related to argument 'appendfsync') - "
                                + "the append-only file is not enabled (EmbeddedRedisServer.Builder.appendOnly)");
                    }
                    effects.add(() -> core.persistence.policy = policy);
                }
                case "notify-keyspace-events", "maxmemory-policy", "timeout", "save", "appendonly" ->
                        effects.add(() -> configOverrides.put(name, value));
                default -> throw err("ERR Unknown option or number of arguments for CONFIG SET - '" + Args.str(a[i]) + "'");
            }
        }
        effects.forEach(Runnable::run);
        out.ok();
    }

    private static long configNumber(String name, String value, long min, long max) {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw err("ERR CONFIG SET failed (possibly related to argument '" + name + "') - argument couldn't be parsed into an integer");
        }
        if (v < min || v > max) {
            throw err("ERR CONFIG SET failed (possibly related to argument '" + name + "') - argument must be between "
                    + min + " and " + max + " inclusive");
        }
        return v;
    }

    private void info(Client c, byte[][] a, Out out) {
        List<String> sections = new ArrayList<>();
        if (a.length == 1) {
            sections.addAll(List.of("server", "clients", "memory", "persistence", "stats", "replication", "keyspace"));
        } else {
            for (int i = 1; i < a.length; i++) {
                String s = Args.lower(a[i]);
                if (s.equals("all") || s.equals("everything") || s.equals("default")) {
                    sections.addAll(List.of("server", "clients", "memory", "persistence", "stats", "replication",
                            "keyspace"));
                } else {
                    sections.add(s);
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String s : sections) {
            String body = section(s);
            if (body == null) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append("\r\n");
            }
            sb.append(body);
        }
        out.verbatim(sb.toString());
    }

    private String section(String s) {
        StringBuilder b = new StringBuilder();
        switch (s) {
            case "server" -> {
                b.append("# Server\r\n");
                b.append("redis_version:").append(RedisServerCore.VERSION).append("\r\n");
                b.append("redis_git_sha1:00000000\r\nredis_git_dirty:0\r\nredis_build_id:distlock-embedded\r\n");
                b.append("redis_mode:standalone\r\n");
                b.append("os:").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append("\r\n");
                b.append("arch_bits:64\r\nmultiplexing_api:netty\r\n");
                b.append("process_id:").append(ProcessHandle.current().pid()).append("\r\n");
                b.append("run_id:").append(Long.toHexString(System.identityHashCode(core))).append("\r\n");
                b.append("tcp_port:").append(core.port()).append("\r\n");
                b.append("server_time_usec:").append(core.nowMicros()).append("\r\n");
                b.append("uptime_in_seconds:").append(core.uptimeSeconds()).append("\r\n");
                b.append("uptime_in_days:").append(core.uptimeSeconds() / 86400).append("\r\n");
                b.append("hz:10\r\nconfigured_hz:10\r\nexecutable:embedded\r\nconfig_file:\r\nio_threads_active:0\r\n");
            }
            case "clients" -> {
                b.append("# Clients\r\n");
                b.append("connected_clients:").append(core.conns.size() - core.repl.replicas.size()).append("\r\n");
                b.append("cluster_connections:0\r\nmaxclients:10000\r\n");
                b.append("blocked_clients:").append(core.blockedCount()).append("\r\n");
                b.append("tracking_clients:0\r\nclients_in_timeout_table:").append(core.blockedCount()).append("\r\n");
            }
            case "memory" -> {
                Runtime rt = Runtime.getRuntime();
                long used = rt.totalMemory() - rt.freeMemory();
                b.append("# Memory\r\nused_memory:").append(used).append("\r\n");
                b.append("maxmemory:0\r\nmaxmemory_policy:noeviction\r\n");
            }
            case "stats" -> {
                b.append("# Stats\r\n");
                b.append("total_connections_received:").append(core.totalConnections).append("\r\n");
                b.append("total_commands_processed:").append(core.totalCommands).append("\r\n");
                b.append("pubsub_channels:").append(core.pubsub.channels.size()).append("\r\n");
                b.append("pubsub_patterns:").append(core.pubsub.patterns.size()).append("\r\n");
                b.append("sync_full:").append(core.repl.syncFull).append("\r\n");
                b.append("sync_partial_ok:").append(core.repl.syncPartialOk).append("\r\n");
                b.append("sync_partial_err:").append(core.repl.syncPartialErr).append("\r\n");
            }
            case "replication" -> b.append(core.repl.info());
            case "persistence" -> {
                Persistence p = core.persistence;
                b.append("# Persistence\r\nloading:0\r\n");
                b.append("rdb_changes_since_last_save:").append(p == null ? 0 : p.changesSinceSave).append("\r\n");
                b.append("rdb_bgsave_in_progress:0\r\n");
                b.append("rdb_last_save_time:").append(p == null ? core.uptimeStartSeconds() : p.lastSaveSeconds).append("\r\n");
                b.append("rdb_last_bgsave_status:ok\r\n");
                b.append("aof_enabled:").append(p != null && p.aofEnabled() ? 1 : 0).append("\r\n");
                b.append("aof_rewrite_in_progress:0\r\naof_last_bgrewrite_status:ok\r\naof_last_write_status:ok\r\n");
                if (p != null && p.aofEnabled()) {
                    b.append("aof_current_size:").append(p.aofSize()).append("\r\n");
                    b.append("aof_buffer_length:").append(p.pendingBytes()).append("\r\n");
                    b.append("aof_fsyncs:").append(p.fsyncs).append("\r\n");
                }
            }
            case "keyspace" -> {
                b.append("# Keyspace\r\n");
                for (int i = 0; i < core.dbCount(); i++) {
                    Db d = core.db(i);
                    if (d.size() > 0) {
                        b.append("db").append(i).append(":keys=").append(d.size()).append(",expires=")
                                .append(d.expiresCount()).append(",avg_ttl=0\r\n");
                    }
                }
            }
            default -> {
                return null;
            }
        }
        return b.toString();
    }
}
