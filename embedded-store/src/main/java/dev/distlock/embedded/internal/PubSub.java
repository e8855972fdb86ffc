package dev.distlock.embedded.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Channels and patterns with their subscribers. Messages are written into subscribers' output
 * buffers as RESP2 arrays or RESP3 push frames. Keyspace-owner thread only; deliveries made by
 * a script are postponed until it ends (the event loop owns the connections' buffers).
 */
final class PubSub {
    private static final byte[] MESSAGE = Args.bytes("message");
    private static final byte[] PMESSAGE = Args.bytes("pmessage");
    private static final byte[] SUBSCRIBE = Args.bytes("subscribe");
    private static final byte[] UNSUBSCRIBE = Args.bytes("unsubscribe");
    private static final byte[] PSUBSCRIBE = Args.bytes("psubscribe");
    private static final byte[] PUNSUBSCRIBE = Args.bytes("punsubscribe");

    private final RedisServerCore core;
    final HashMap<Bytes, LinkedHashSet<Client>> channels = new HashMap<>();
    final LinkedHashMap<Bytes, LinkedHashSet<Client>> patterns = new LinkedHashMap<>();

    PubSub(RedisServerCore core) {
        this.core = core;
    }

    void subscribe(Client c, byte[][] names, Out out, boolean pattern) {
        for (byte[] n : names) {
            Bytes k = new Bytes(n);
            if (pattern) {
                if (c.patterns == null) {
                    c.patterns = new LinkedHashSet<>();
                }
                if (c.patterns.add(k)) {
                    patterns.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(c);
                }
            } else {
                if (c.channels == null) {
                    c.channels = new LinkedHashSet<>();
                }
                if (c.channels.add(k)) {
                    channels.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(c);
                }
            }
            out.push(3);
            out.bulk(pattern ? PSUBSCRIBE : SUBSCRIBE);
            out.bulk(n);
            out.integer(c.subscriptions());
        }
    }

    void unsubscribe(Client c, byte[][] names, Out out, boolean pattern) {
        List<byte[]> targets = new ArrayList<>();
        if (names.length == 0) {
            LinkedHashSet<Bytes> mine = pattern ? c.patterns : c.channels;
            if (mine != null) {
                for (Bytes b : mine) {
                    targets.add(b.b);
                }
            }
            if (targets.isEmpty()) {
                if (out != null) {
                    out.push(3);
                    out.bulk(pattern ? PUNSUBSCRIBE : UNSUBSCRIBE);
                    out.nullBulk();
                    out.integer(c.subscriptions());
                }
                return;
            }
        } else {
            targets.addAll(List.of(names));
        }
        for (byte[] n : targets) {
            Bytes k = new Bytes(n);
            LinkedHashSet<Bytes> mine = pattern ? c.patterns : c.channels;
            if (mine != null && mine.remove(k)) {
                Map<Bytes, LinkedHashSet<Client>> reg = pattern ? patterns : channels;
                LinkedHashSet<Client> subs = reg.get(k);
                if (subs != null) {
                    subs.remove(c);
                    if (subs.isEmpty()) {
                        reg.remove(k);
                    }
                }
            }
            if (out != null) {
                out.push(3);
                out.bulk(pattern ? PUNSUBSCRIBE : UNSUBSCRIBE);
                out.bulk(n);
                out.integer(c.subscriptions());
            }
        }
    }

    void unsubscribeAll(Client c, Out out) {
        if (c.channels != null && !c.channels.isEmpty()) {
            unsubscribe(c, new byte[0][], out, false);
        }
        if (c.patterns != null && !c.patterns.isEmpty()) {
            unsubscribe(c, new byte[0][], out, true);
        }
    }

    /** @return the number of receivers */
    long publish(byte[] channel, byte[] message) {
        Bytes k = new Bytes(channel);
        List<Client> direct = new ArrayList<>();
        LinkedHashSet<Client> subs = channels.get(k);
        if (subs != null) {
            direct.addAll(subs);
        }
        List<Object[]> viaPattern = new ArrayList<>();
        for (Map.Entry<Bytes, LinkedHashSet<Client>> e : patterns.entrySet()) {
            if (Glob.matches(e.getKey().b, channel)) {
                for (Client c : e.getValue()) {
                    viaPattern.add(new Object[] {c, e.getKey()});
                }
            }
        }
        int n = direct.size() + viaPattern.size();
        if (n == 0) {
            return 0;
        }
        Runnable deliver = () -> {
            for (Client c : direct) {
                Conn conn = c.conn();
                if (conn != null && !conn.closed) {
                    BufOut o = conn.out;
                    o.push(3);
                    o.bulk(MESSAGE);
                    o.bulk(channel);
                    o.bulk(message);
                }
            }
            for (Object[] p : viaPattern) {
                Conn conn = ((Client) p[0]).conn();
                if (conn != null && !conn.closed) {
                    BufOut o = conn.out;
                    o.push(4);
                    o.bulk(PMESSAGE);
                    o.bulk(((Bytes) p[1]).b);
                    o.bulk(channel);
                    o.bulk(message);
                }
            }
        };
        if (core.onLoanThread()) {
            core.afterLoanTask(deliver);
        } else {
            deliver.run();
        }
        return n;
    }
}
