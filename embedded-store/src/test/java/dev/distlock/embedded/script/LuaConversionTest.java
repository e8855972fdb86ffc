package dev.distlock.embedded.script;

import static dev.distlock.embedded.script.Lua.array;
import static dev.distlock.embedded.script.Lua.bytes;
import static dev.distlock.embedded.script.Lua.error;
import static dev.distlock.embedded.script.Lua.eval;
import static dev.distlock.embedded.script.Lua.integer;
import static dev.distlock.embedded.script.Lua.text;
import static dev.distlock.embedded.script.Lua.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distlock.embedded.resp.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Redis's Lua ↔ reply conversion rules, both ways, checked against Redis 7.0's behaviour. */
class LuaConversionTest {
    private static final ScriptEngine ENGINE = new ScriptEngine(Duration.ofSeconds(5));

    /** An invoker that answers every command with the given reply and records the arguments. */
    private static final class Canned implements CommandInvoker {
        final Reply reply;
        final List<List<String>> calls = new ArrayList<>();

        Canned(Reply reply) {
            this.reply = reply;
        }

        @Override
        public Reply invoke(byte[][] argv) {
            List<String> call = new ArrayList<>();
            for (byte[] a : argv) {
                call.add(new String(a, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            calls.add(call);
            return reply;
        }
    }

    private static String luaTypeOf(Reply reply) {
        return text(eval(ENGINE, "local r = redis.call('x') return type(r) .. ':' .. tostring(r)", new Canned(reply)));
    }

    // ---- Lua -> Redis ------------------------------------------------------------------------

    @Test
    void numbersBecomeIntegersTruncatedTowardZero() {
        assertThat(integer(eval(ENGINE, "return 3.99"))).isEqualTo(3);
        assertThat(integer(eval(ENGINE, "return -3.99"))).isEqualTo(-3);
        assertThat(integer(eval(ENGINE, "return 9007199254740993"))).isEqualTo(9007199254740992L);
        // out of range and NaN give what x86-64 Redis gives: the (long long) cast's LLONG_MIN
        assertThat(integer(eval(ENGINE, "return 1e300"))).isEqualTo(Long.MIN_VALUE);
        assertThat(integer(eval(ENGINE, "return 0/0"))).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void stringsBooleansAndNil() {
        assertThat(text(eval(ENGINE, "return 'hello'"))).isEqualTo("hello");
        assertThat(integer(eval(ENGINE, "return true"))).isEqualTo(1);
        assertThat(eval(ENGINE, "return false")).isEqualTo(Reply.NULL);
        assertThat(eval(ENGINE, "return nil")).isEqualTo(Reply.NULL);
        assertThat(eval(ENGINE, "local x = 1")).isEqualTo(Reply.NULL);
    }

    @Test
    void tablesBecomeArraysUpToTheFirstNil() {
        List<Reply> items = array(eval(ENGINE, "return {1, 'two', 3.7, true, false, {5, {6}}, nil, 'after nil'}"));
        assertThat(items).hasSize(6);
        assertThat(items.get(0)).isEqualTo(new Reply.IntReply(1));
        assertThat(text(items.get(1))).isEqualTo("two");
        assertThat(items.get(2)).isEqualTo(new Reply.IntReply(3));
        assertThat(items.get(3)).isEqualTo(new Reply.IntReply(1));
        assertThat(items.get(4)).isEqualTo(Reply.NULL); // false inside an array is a null bulk
        assertThat(array(items.get(5))).hasSize(2);
        assertThat(array(eval(ENGINE, "return {1, 2, nil, 4}"))).hasSize(2);
        assertThat(array(eval(ENGINE, "return {a = 1, b = 2}"))).isEmpty();
        List<Reply> nested = array(eval(ENGINE, "return {{1, {2}}}"));
        assertThat(array(array(nested.get(0)).get(1))).containsExactly(new Reply.IntReply(2));
    }

    @Test
    void errAndOkFieldsMakeErrorAndStatusReplies() {
        assertThat(eval(ENGINE, "return {err = 'MYCODE something failed'}"))
                .isEqualTo(new Reply.ErrorReply("MYCODE something failed"));
        assertThat(eval(ENGINE, "return {ok = 'FINE'}")).isEqualTo(new Reply.SimpleReply("FINE"));
        assertThat(eval(ENGINE, "return {ok = 'a\\r\\nb'}")).isEqualTo(new Reply.SimpleReply("a  b"));
        assertThat(eval(ENGINE, "return {err = 'a\\r\\nb'}")).isEqualTo(new Reply.ErrorReply("a  b"));
        assertThat(eval(ENGINE, "return {ok = 'x', err = 'E y'}")).isEqualTo(new Reply.ErrorReply("E y"));
        // only string fields count
        assertThat(array(eval(ENGINE, "return {ok = 5}"))).isEmpty();
        // nested status and error elements stay typed
        List<Reply> items = array(eval(ENGINE, "return {{ok = 'K'}, {err = 'E x'}}"));
        assertThat(items).containsExactly(new Reply.SimpleReply("K"), new Reply.ErrorReply("E x"));
    }

    @Test
    void resp3ShapedTables() {
        assertThat(eval(ENGINE, "return {double = 3.5}")).isEqualTo(new Reply.DoubleReply(3.5));
        Reply map = eval(ENGINE, "return {map = {a = 1}}");
        assertThat(map).isInstanceOf(Reply.MapReply.class);
        List<Reply> kv = ((Reply.MapReply) map).keysAndValues();
        assertThat(kv).hasSize(2);
        assertThat(text(kv.get(0))).isEqualTo("a");
        assertThat(kv.get(1)).isEqualTo(new Reply.IntReply(1));
        Reply set = eval(ENGINE, "return {set = {x = true}}");
        assertThat(texts(new Reply.ArrayReply(((Reply.SetReply) set).items()))).containsExactly("x");
    }

    @Test
    void selfReferencingTableEndsInAnErrorInsteadOfOverflowing() {
        Reply r = eval(ENGINE, "local t = {} t[1] = t return t");
        int depth = 0;
        while (r instanceof Reply.ArrayReply a) {
            r = a.items().get(0);
            depth++;
        }
        assertThat(depth).isEqualTo(LuaReplies.MAX_NESTING);
        assertThat(error(r)).isEqualTo("ERR reached lua stack limit");
    }

    @Test
    void booleansAfterSetresp3() {
        assertThat(eval(ENGINE, "redis.setresp(3) return true")).isEqualTo(new Reply.BoolReply(true));
        assertThat(eval(ENGINE, "redis.setresp(3) return false")).isEqualTo(new Reply.BoolReply(false));
        // every run starts in RESP2 again
        assertThat(eval(ENGINE, "return false")).isEqualTo(Reply.NULL);
    }

    // ---- Redis -> Lua ------------------------------------------------------------------------

    @Test
    void repliesBecomeLuaValues() {
        assertThat(luaTypeOf(new Reply.IntReply(42))).isEqualTo("number:42");
        assertThat(luaTypeOf(Reply.BulkReply.of("v"))).isEqualTo("string:v");
        assertThat(luaTypeOf(Reply.NULL)).isEqualTo("boolean:false");
        assertThat(luaTypeOf(Reply.NULL_ARRAY)).isEqualTo("boolean:false");
        assertThat(luaTypeOf(new Reply.BoolReply(true))).isEqualTo("number:1");
        assertThat(luaTypeOf(new Reply.DoubleReply(1.5))).isEqualTo("string:1.5");
        assertThat(text(eval(ENGINE, "return redis.call('x').ok", new Canned(new Reply.SimpleReply("QUEUED")))))
                .isEqualTo("QUEUED");
        assertThat(text(eval(ENGINE, "return redis.pcall('x').err", new Canned(new Reply.ErrorReply("BUSYKEY Target key name already exists.")))))
                .isEqualTo("BUSYKEY Target key name already exists.");
    }

    @Test
    void arraysMapsAndSetsBecomeTablesInResp2() {
        Reply array = new Reply.ArrayReply(List.of(Reply.BulkReply.of("a"), new Reply.IntReply(2), Reply.NULL));
        assertThat(text(eval(ENGINE, "local r = redis.call('x') return #r .. r[1] .. r[2] .. tostring(r[3])", new Canned(array))))
                .isEqualTo("3a2false");
        Reply map = new Reply.MapReply(List.of(Reply.BulkReply.of("f"), Reply.BulkReply.of("v")));
        assertThat(Lua.texts(eval(ENGINE, "return redis.call('hgetall', 'h')", new Canned(map)))).containsExactly("f", "v");
        Reply set = new Reply.SetReply(List.of(Reply.BulkReply.of("m")));
        assertThat(Lua.texts(eval(ENGINE, "return redis.call('smembers', 's')", new Canned(set)))).containsExactly("m");
    }

    @Test
    void resp3RepliesAfterSetresp3() {
        Reply map = new Reply.MapReply(List.of(Reply.BulkReply.of("f"), Reply.BulkReply.of("v")));
        assertThat(text(eval(ENGINE, "redis.setresp(3) return redis.call('hgetall', 'h').map.f", new Canned(map)))).isEqualTo("v");
        assertThat(text(eval(ENGINE, "redis.setresp(3) return tostring(redis.call('get', 'k'))", new Canned(Reply.NULL)))).isEqualTo("nil");
        assertThat(text(eval(ENGINE, "redis.setresp(3) return tostring(redis.call('x').double)", new Canned(new Reply.DoubleReply(2.5)))))
                .isEqualTo("2.5");
    }

    @Test
    void numberArgumentsAreFormattedLikeRedis() {
        Canned c = new Canned(Reply.OK);
        eval(ENGINE, "redis.call('set', 'k', 5, 3.5, 0.1, 1e20, -2, 1/0)", c);
        assertThat(c.calls.get(0)).containsExactly("set", "k", "5", "3.5", "0.10000000000000001", "1e+20", "-2", "inf");
    }

    @Test
    void nonStringArgumentsAreRejected() {
        assertThat(error(eval(ENGINE, "return redis.call('set', 'k', {})")))
                .startsWith("ERR Lua redis lib command arguments must be strings or integers script: ");
        assertThat(error(eval(ENGINE, "return redis.pcall('set', 'k', true)")))
                .isEqualTo("ERR Lua redis lib command arguments must be strings or integers");
        assertThat(error(eval(ENGINE, "return redis.call()")))
                .startsWith("ERR Please specify at least one argument for this redis lib call script: ");
    }

    @Test
    void keysAndArgvAreBinarySafe() {
        byte[] key = {0, (byte) 0xff, (byte) 0xc3, 0x28, '\r', '\n'};
        byte[] arg = {(byte) 0x80, 0, 1};
        Canned c = new Canned(new Reply.BulkReply(new byte[] {(byte) 0xfe, 0}));
        Reply r = ENGINE.eval(bytes("local v = redis.call('get', KEYS[1], ARGV[1]) return {KEYS[1], ARGV[1], v, #KEYS[1]}"),
                new byte[][] {key}, new byte[][] {arg}, c);
        List<Reply> items = array(r);
        assertThat(((Reply.BulkReply) items.get(0)).data()).isEqualTo(key);
        assertThat(((Reply.BulkReply) items.get(1)).data()).isEqualTo(arg);
        assertThat(((Reply.BulkReply) items.get(2)).data()).containsExactly((byte) 0xfe, (byte) 0);
        assertThat(items.get(3)).isEqualTo(new Reply.IntReply(6));
        assertThat(c.calls.get(0).get(1).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo(key);
    }

    @Test
    void keysAndArgvTablesAreOneBasedAndFreshEachRun() {
        Reply r = ENGINE.eval(bytes("local n = #KEYS KEYS[1] = 'changed' return {n, #ARGV, ARGV[2], KEYS[1]}"),
                Lua.list("k1", "k2"), Lua.list("a1", "a2", "a3"), new FakeRedis());
        List<Reply> items = array(r);
        assertThat(items.subList(0, 2)).containsExactly(new Reply.IntReply(2), new Reply.IntReply(3));
        assertThat(texts(new Reply.ArrayReply(items.subList(2, 4)))).containsExactly("a2", "changed");
        Reply next = ENGINE.eval(bytes("return {#KEYS, KEYS[1], #ARGV}"), Lua.list("other"), Lua.NONE, new FakeRedis());
        assertThat(array(next).get(0)).isEqualTo(new Reply.IntReply(1));
        assertThat(text(array(next).get(1))).isEqualTo("other");
        assertThat(array(next).get(2)).isEqualTo(new Reply.IntReply(0));
    }
}
