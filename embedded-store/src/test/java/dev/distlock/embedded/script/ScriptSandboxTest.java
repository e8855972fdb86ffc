package dev.distlock.embedded.script;

import static dev.distlock.embedded.script.Lua.error;
import static dev.distlock.embedded.script.Lua.eval;
import static dev.distlock.embedded.script.Lua.integer;
import static dev.distlock.embedded.script.Lua.sha;
import static dev.distlock.embedded.script.Lua.text;
import static dev.distlock.embedded.script.Lua.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distlock.embedded.resp.Reply;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Lua environment: Redis 7.0's global protection, what exists and what does not, the libraries. */
class ScriptSandboxTest {
    private static final ScriptEngine ENGINE = new ScriptEngine(Duration.ofSeconds(5));

    private static String suffix(String script) {
        return " script: " + sha(script) + ", on @user_script:1.";
    }

    @Test
    void globalsCannotBeCreatedOrChanged() {
        String create = "x = 1";
        assertThat(error(eval(ENGINE, create)))
                .isEqualTo("ERR user_script:1: Attempt to modify a readonly table" + suffix(create));
        String overwrite = "KEYS = 1";
        assertThat(error(eval(ENGINE, overwrite)))
                .isEqualTo("ERR user_script:1: Attempt to modify a readonly table" + suffix(overwrite));
        String raw = "rawset(_G, 'x', 1)";
        assertThat(error(eval(ENGINE, raw))).isEqualTo("ERR Attempt to modify a readonly table" + suffix(raw));
        String meta = "setmetatable(_G, nil)";
        assertThat(error(eval(ENGINE, meta))).isEqualTo("ERR Attempt to modify a readonly table" + suffix(meta));
    }

    @Test
    void libraryTablesAreReadOnly() {
        String field = "redis.call = nil";
        assertThat(error(eval(ENGINE, field)))
                .isEqualTo("ERR user_script:1: Attempt to modify a readonly table" + suffix(field));
        String string = "string.x = 1";
        assertThat(error(eval(ENGINE, string)))
                .isEqualTo("ERR user_script:1: Attempt to modify a readonly table" + suffix(string));
        String insert = "table.insert(string, 1)";
        assertThat(error(eval(ENGINE, insert))).isEqualTo("ERR Attempt to modify a readonly table" + suffix(insert));
        String metatable = "getmetatable('').__index = nil";
        assertThat(error(eval(ENGINE, metatable)))
                .isEqualTo("ERR user_script:1: Attempt to modify a readonly table" + suffix(metatable));
        assertThat(integer(eval(ENGINE, "return getmetatable('').__index == string and 1 or 0"))).isEqualTo(1);
    }

    @Test
    void readingAMissingGlobalFails() {
        String script = "return x";
        assertThat(error(eval(ENGINE, script)))
                .isEqualTo("ERR user_script:1: Script attempted to access nonexistent global variable 'x'" + suffix(script));
        assertThat(integer(eval(ENGINE, "return rawget(_G, 'x') == nil and 1 or 0"))).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"os", "io", "require", "dofile", "loadfile", "print", "setfenv", "getfenv", "debug",
        "package", "module", "newproxy", "coroutine", "rawlen"})
    void dangerousOrAbsentGlobalsDoNotExist(String name) {
        String script = "return type(" + name + ")";
        assertThat(error(eval(ENGINE, script)))
                .isEqualTo("ERR user_script:1: Script attempted to access nonexistent global variable '" + name + "'"
                        + suffix(script));
    }

    @ParameterizedTest
    @CsvSource({
        "unpack, function", "loadstring, function", "load, function", "tonumber, function", "pcall, function",
        "xpcall, function", "string, table", "table, table", "math, table", "cjson, table", "bit, table",
        "redis, table", "KEYS, table", "ARGV, table", "_G, table", "gcinfo, function", "collectgarbage, function",
    })
    void redisGlobalsExist(String name, String type) {
        assertThat(text(eval(ENGINE, "return type(" + name + ")"))).isEqualTo(type);
    }

    @Test
    void lua51Flavour() {
        assertThat(text(eval(ENGINE, "return _VERSION"))).isEqualTo("Lua 5.1");
        assertThat(texts(eval(ENGINE, "return {unpack({'a', 'b'})}"))).containsExactly("a", "b");
        assertThat(integer(eval(ENGINE, "return loadstring('return 1 + 1')()"))).isEqualTo(2);
        assertThat(texts(eval(ENGINE, "local f, e = loadstring('return +') return {tostring(f), e}")).get(0)).isEqualTo("nil");
        assertThat(texts(eval(ENGINE, "local f, e = loadstring('\\27Lua') return {tostring(f), e}")))
                .containsExactly("nil", "attempt to load a binary chunk");
        assertThat(error(eval(ENGINE, "return loadstring('x = 1')()"))).contains("Attempt to modify a readonly table");
        assertThat(integer(eval(ENGINE, "return table.getn({1, 2, 3}) + table.maxn({[5] = 1})"))).isEqualTo(8);
        assertThat(integer(eval(ENGINE, "return math.mod(7, 3) + math.log10(100)"))).isEqualTo(3);
        assertThat(text(eval(ENGINE, "local t = {} for w in string.gfind('a b', '%a') do t[#t + 1] = w end return table.concat(t)")))
                .isEqualTo("ab");
        assertThat(eval(ENGINE, "return string.dump")).isEqualTo(Reply.NULL);
        assertThat(eval(ENGINE, "return table.unpack")).isEqualTo(Reply.NULL);
    }

    @Test
    void tostringUsesLuaNumberFormat() {
        assertThat(texts(eval(ENGINE,
                "return {tostring(0.1), tostring(1/3), tostring(1e20), tostring(2^63), tostring(100), tostring(1e15), tostring(-1/0)}")))
                .containsExactly("0.1", "0.33333333333333", "1e+20", "9.2233720368548e+18", "100", "1e+15", "-inf");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`return string.format('%5.2f|%-5d|%05d|', 1.5, 42, 42)` | ` 1.50|42   |00042|`",
        "`return string.format('%x %X %o %#x', 255, 255, 8, 255)` | ff FF 10 0xff",
        "`return string.format('%e %g %g %g %.3g', 12345.678, 0.0001, 1e20, 100, 1234.5)` | 1.234568e+04 0.0001 1e+20 100 1.23e+03",
        "`return string.format('%d %d %x', 3.7, -3.7, -1)` | 3 -3 ffffffffffffffff",
        "`return string.format('%10.3s|%c|%%|%+d|% d', 'abcdef', 65, 5, 5)` | `       abc|A|%|+5| 5`",
        "`return string.format('%s %s', 1/3, 10)` | 0.33333333333333 10",
        "`return string.format('%08.3f|%.0e|%G', -1.5, 15, 1e-10)` | `-001.500|2e+01|1E-10`",
    })
    void stringFormatFollowsC(String script, String expected) {
        assertThat(text(eval(ENGINE, script))).isEqualTo(expected);
    }

    @Test
    void stringFormatErrors() {
        assertThat(error(eval(ENGINE, "return string.format('%d', 'x')")))
                .startsWith("ERR user_script:1: bad argument #2 to 'format' (number expected, got string)");
        assertThat(error(eval(ENGINE, "return string.format('%d')")))
                .startsWith("ERR user_script:1: bad argument #2 to 'format' (no value)");
        assertThat(error(eval(ENGINE, "return string.format('%y', 1)")))
                .startsWith("ERR user_script:1: invalid option '%y' to 'format'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "return cjson.encode({}) | {}",
        "return cjson.encode({1, 2, 'x'}) | `[1,2,\"x\"]`",
        "return cjson.encode({a = 1}) | `{\"a\":1}`",
        "return cjson.encode('a/b\"\\\\\\n\\t\\1') | `\"a\\/b\\\"\\\\\\n\\t\\u0001\"`",
        "return cjson.encode({0.1, 1e20, 1/3, 2^53}) | `[0.1,1e+20,0.33333333333333,9.007199254741e+15]`",
        "return cjson.encode({[1] = 1, [3] = 3}) | `[1,null,3]`",
        "return cjson.encode({1, a = 1}) | `{\"1\":1,\"a\":1}`",
        "return cjson.encode(cjson.null) | null",
        "return cjson.encode({{}, {{}}}) | `[{},[{}]]`",
        "return cjson.encode(cjson.decode('[1,2,{\"a\":null}]')) | `[1,2,{\"a\":null}]`",
        "return cjson.decode('\"\\\\u00e9\\\\/x\"') | é/x",
        "return cjson.decode('\"\\\\ud83d\\\\ude00\"') | \uD83D\uDE00",
        "return tostring(cjson.decode(' 12 ')) | 12",
        "return cjson.decode('[1,null]')[2] == cjson.null and 'yes' or 'no' | yes",
    })
    void cjson(String script, String expected) {
        assertThat(text(eval(ENGINE, script))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "return cjson.encode({[1] = 1, [30] = 3}) | Cannot serialise table: excessively sparse array",
        "return cjson.encode(function() end) | Cannot serialise function: type not supported",
        "return cjson.encode(0/0) | Cannot serialise number: must not be NaN or Inf",
        "return cjson.encode({[true] = 1}) | Cannot serialise boolean: table key must be a number or string",
        "local t = {} t[1] = t return cjson.encode(t) | Cannot serialise, excessive nesting (1001)",
        "return cjson.decode('') | Expected value but found T_END at character 1",
        "return cjson.decode('nul') | Expected value but found invalid token at character 1",
        "return cjson.decode('[1,2') | Expected comma or array end but found T_END at character 5",
        "return cjson.decode('{\"a\" 1}') | Expected colon but found T_NUMBER at character 6",
    })
    void cjsonErrors(String script, String message) {
        assertThat(error(eval(ENGINE, script))).isEqualTo("ERR user_script:1: " + message + suffix(script));
    }

    @Test
    void bitOperations() {
        Reply r = eval(ENGINE, "return {bit.band(0xff, 0x0f), bit.bor(1, 2, 4), bit.bxor(5, 1), bit.bnot(0),"
                + " bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.tobit(2^32 + 5),"
                + " bit.rol(1, 33), bit.bswap(0x01020304)}");
        assertThat(Lua.array(r).stream().map(Lua::integer).toList())
                .containsExactly(15L, 7L, 4L, -1L, -2147483648L, 15L, -16L, 5L, 2L, 67305985L);
        assertThat(texts(eval(ENGINE, "return {bit.tohex(255), bit.tohex(-1, -4), bit.tohex(0x1234, 2)}")))
                .containsExactly("000000ff", "FFFF", "34");
    }

    @Test
    void deepRecursionIsACatchableStackOverflow() {
        String script = "local function f(n) return 1 + f(n + 1) end return f(1)";
        assertThat(error(eval(ENGINE, script))).isEqualTo("ERR user_script:1: stack overflow" + suffix(script));
        assertThat(text(eval(ENGINE,
                "local function f(n) return 1 + f(n + 1) end local ok, e = pcall(f, 1) return e")))
                .isEqualTo("user_script:1: stack overflow");
        assertThat(integer(eval(ENGINE,
                "local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end return f(150)"))).isEqualTo(150);
    }

    @Test
    void tailCallsDoNotGrowTheStack() {
        assertThat(integer(eval(ENGINE,
                "local function f(n) if n == 0 then return 7 end return f(n - 1) end return f(20000)"))).isEqualTo(7);
    }

    @Test
    void stringRepIsBounded() {
        assertThat(error(eval(ENGINE, "return string.rep('x', 2^30)"))).startsWith("ERR user_script:1: resulting string too large");
        assertThat(text(eval(ENGINE, "return string.rep('ab', 3) .. string.rep('x', -1)"))).isEqualTo("ababab");
    }
}
