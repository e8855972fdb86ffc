package dev.distlock.embedded.script;

import dev.distlock.embedded.resp.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A tiny command executor for script tests: strings, hashes and millisecond expiry in HashMaps,
 * on a manual clock. Replies and error texts follow Redis for the commands it knows.
 */
final class FakeRedis implements CommandInvoker {
    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    final Map<String, Object> data = new HashMap<>();
    final Map<String, Long> expiresAt = new HashMap<>();
    final List<String> log = new ArrayList<>();
    long now = 1_000_000;

    @Override
    public Reply invoke(byte[][] argv) {
        String cmd = s(argv[0]).toLowerCase(Locale.ROOT);
        log.add(cmd);
        try {
            return run(cmd, argv);
        } catch (NumberFormatException e) {
            return new Reply.ErrorReply("ERR value is not an integer or out of range");
        }
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static Reply bulk(String v) {
        return v == null ? Reply.NULL : new Reply.BulkReply(v.getBytes(StandardCharsets.ISO_8859_1));
    }

    private Object get(String key) {
        Long at = expiresAt.get(key);
        if (at != null && at <= now) {
            data.remove(key);
            expiresAt.remove(key);
        }
        return data.get(key);
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> hash(String key, boolean create) {
        Object v = get(key);
        if (v == null) {
            if (!create) {
                return null;
            }
            Map<String, String> h = new LinkedHashMap<>();
            data.put(key, h);
            return h;
        }
        if (!(v instanceof Map)) {
            throw new WrongType();
        }
        return (Map<String, String>) v;
    }

    private static final class WrongType extends RuntimeException {
        WrongType() {
            super(null, null, false, false);
        }
    }

    private Reply run(String cmd, byte[][] a) {
        try {
            return switch (cmd) {
                case "ping" -> new Reply.SimpleReply("PONG");
                case "get" -> {
                    Object v = get(s(a[1]));
                    if (v != null && !(v instanceof String)) {
                        throw new WrongType();
                    }
                    yield bulk((String) v);
                }
                case "set" -> set(a);
                case "del" -> {
                    int n = 0;
                    for (int i = 1; i < a.length; i++) {
                        if (get(s(a[i])) != null) {
                            data.remove(s(a[i]));
                            expiresAt.remove(s(a[i]));
                            n++;
                        }
                    }
                    yield new Reply.IntReply(n);
                }
                case "exists" -> new Reply.IntReply(get(s(a[1])) != null ? 1 : 0);
                case "incr", "incrby" -> {
                    if (a.length != (cmd.equals("incr") ? 2 : 3)) {
                        yield new Reply.ErrorReply("ERR wrong number of arguments for '" + cmd + "' command");
                    }
                    Object v = get(s(a[1]));
                    if (v != null && !(v instanceof String)) {
                        throw new WrongType();
                    }
                    long n = (v == null ? 0 : Long.parseLong((String) v)) + (a.length == 3 ? Long.parseLong(s(a[2])) : 1);
                    data.put(s(a[1]), Long.toString(n));
                    yield new Reply.IntReply(n);
                }
                case "hset" -> {
                    Map<String, String> h = hash(s(a[1]), true);
                    int added = 0;
                    for (int i = 2; i + 1 < a.length; i += 2) {
                        if (h.put(s(a[i]), s(a[i + 1])) == null) {
                            added++;
                        }
                    }
                    yield new Reply.IntReply(added);
                }
                case "hget" -> {
                    Map<String, String> h = hash(s(a[1]), false);
                    yield bulk(h == null ? null : h.get(s(a[2])));
                }
                case "hexists" -> {
                    Map<String, String> h = hash(s(a[1]), false);
                    yield new Reply.IntReply(h != null && h.containsKey(s(a[2])) ? 1 : 0);
                }
                case "hincrby" -> {
                    Map<String, String> h = hash(s(a[1]), true);
                    long n = Long.parseLong(h.getOrDefault(s(a[2]), "0")) + Long.parseLong(s(a[3]));
                    h.put(s(a[2]), Long.toString(n));
                    yield new Reply.IntReply(n);
                }
                case "hgetall" -> {
                    Map<String, String> h = hash(s(a[1]), false);
                    List<Reply> kv = new ArrayList<>();
                    if (h != null) {
                        h.forEach((k, v) -> {
                            kv.add(bulk(k));
                            kv.add(bulk(v));
                        });
                    }
                    yield new Reply.MapReply(kv);
                }
                case "pexpire" -> {
                    if (get(s(a[1])) == null) {
                        yield new Reply.IntReply(0);
                    }
                    expiresAt.put(s(a[1]), now + Long.parseLong(s(a[2])));
                    yield new Reply.IntReply(1);
                }
                case "pttl" -> {
                    if (get(s(a[1])) == null) {
                        yield new Reply.IntReply(-2);
                    }
                    Long at = expiresAt.get(s(a[1]));
                    yield new Reply.IntReply(at == null ? -1 : at - now);
                }
                case "publish" -> new Reply.IntReply(0);
                default -> new Reply.ErrorReply("ERR unknown command '" + cmd + "', with args beginning with: ");
            };
        } catch (WrongType e) {
            return new Reply.ErrorReply(WRONGTYPE);
        }
    }

    private Reply set(byte[][] a) {
        String key = s(a[1]);
        boolean nx = false;
        boolean xx = false;
        long px = -1;
        for (int i = 3; i < a.length; i++) {
            String opt = s(a[i]).toLowerCase(Locale.ROOT);
            switch (opt) {
                case "nx" -> nx = true;
                case "xx" -> xx = true;
                case "px" -> px = Long.parseLong(s(a[++i]));
                case "ex" -> px = Long.parseLong(s(a[++i])) * 1000;
                default -> {
                    return new Reply.ErrorReply("ERR syntax error");
                }
            }
        }
        boolean exists = get(key) != null;
        if ((nx && exists) || (xx && !exists)) {
            return Reply.NULL;
        }
        data.put(key, s(a[2]));
        if (px > 0) {
            expiresAt.put(key, now + px);
        } else {
            expiresAt.remove(key);
        }
        return Reply.OK;
    }
}
