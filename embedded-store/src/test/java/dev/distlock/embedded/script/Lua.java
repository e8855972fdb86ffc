package dev.distlock.embedded.script;

import dev.distlock.embedded.resp.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Helpers for script tests: running a script and reading replies. */
final class Lua {
    static final byte[][] NONE = new byte[0][];

    private Lua() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[][] list(String... values) {
        byte[][] out = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = bytes(values[i]);
        }
        return out;
    }

    static Reply eval(ScriptEngine engine, String script) {
        return engine.eval(bytes(script), NONE, NONE, new FakeRedis());
    }

    static Reply eval(ScriptEngine engine, String script, CommandInvoker invoker) {
        return engine.eval(bytes(script), NONE, NONE, invoker);
    }

    static String sha(String script) {
        return Sha1.hex(bytes(script));
    }

    /** The text of a bulk reply. */
    static String text(Reply r) {
        if (!(r instanceof Reply.BulkReply b)) {
            throw new AssertionError("expected a bulk reply, got " + r);
        }
        return new String(b.data(), StandardCharsets.UTF_8);
    }

    /** The message of an error reply. */
    static String error(Reply r) {
        if (!(r instanceof Reply.ErrorReply e)) {
            throw new AssertionError("expected an error reply, got " + r);
        }
        return e.message();
    }

    static long integer(Reply r) {
        if (!(r instanceof Reply.IntReply i)) {
            throw new AssertionError("expected an integer reply, got " + r);
        }
        return i.value();
    }

    static List<Reply> array(Reply r) {
        if (!(r instanceof Reply.ArrayReply a)) {
            throw new AssertionError("expected an array reply, got " + r);
        }
        return a.items();
    }

    /** Array of bulk strings as texts (nulls as null). */
    static List<String> texts(Reply r) {
        return array(r).stream().map(x -> x == Reply.NULL ? null : text(x)).toList();
    }
}
