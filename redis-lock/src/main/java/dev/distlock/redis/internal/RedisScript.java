package dev.distlock.redis.internal;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A Lua script run with {@code EVALSHA}, falling back to {@code EVAL} (which also loads it)
 * when the server answers {@code NOSCRIPT}, as after a restart, a failover or
 * {@code SCRIPT FLUSH}. The SHA-1 is computed locally, so the usual path costs one round trip.
 * Not part of the API.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name a short name for messages
 * @param body the Lua source
 * @param sha the SHA-1 of the source, lower-case hex
 * @param output how the reply is decoded
 */
public record RedisScript(String name, String body, String sha, ScriptOutputType output) {
    /**
     * Makes a script and computes its SHA-1.
     *
     * @param name a short name for messages
     * @param body the Lua source
     * @param output how the reply is decoded
     * @return the script
     */
    public static RedisScript of(String name, String body, ScriptOutputType output) {
        return new RedisScript(name, body, sha1(body), output);
    }

    static String sha1(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-1", e);
        }
    }

    /**
     * Runs the script: {@code EVALSHA}, and on {@code NOSCRIPT} once more with {@code EVAL}.
     *
     * @param <T> the reply type ({@link Long} for integer replies, {@code List<Object>} for arrays)
     * @param commands the connection's commands; on a cluster the script goes to the node of
     *        the first key
     * @param keys the keys, all in one hash slot on a cluster
     * @param args the arguments
     * @return the pending reply
     */
    public <T> CompletableFuture<T> run(RedisClusterAsyncCommands<String, String> commands, String[] keys,
            String... args) {
        CompletableFuture<T> out = new CompletableFuture<>();
        commands.<T>evalsha(sha, output, keys, args).whenComplete((r, err) -> {
            if (err == null) {
                out.complete(r);
            } else if (isNoScript(err)) {
                commands.<T>eval(body, output, keys, args).whenComplete((r2, err2) -> {
                    if (err2 == null) {
                        out.complete(r2);
                    } else {
                        out.completeExceptionally(err2);
                    }
                });
            } else {
                out.completeExceptionally(err);
            }
        });
        return out;
    }

    /**
     * Runs the script with {@code EVAL}, sending its body: for rare scripts that must work even
     * if the server never saw them and the reply may never be read (so a {@code NOSCRIPT}
     * could not be answered with a retry).
     *
     * @param <T> the reply type
     * @param commands the connection's commands
     * @param keys the keys, all in one hash slot on a cluster
     * @param args the arguments
     * @return the pending reply
     */
    public <T> CompletableFuture<T> eval(RedisClusterAsyncCommands<String, String> commands, String[] keys,
            String... args) {
        return commands.<T>eval(body, output, keys, args).toCompletableFuture();
    }

    static boolean isNoScript(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof RedisNoScriptException) {
            return true;
        }
        String m = c.getMessage();
        return m != null && m.startsWith("NOSCRIPT");
    }

    @Override
    public String toString() {
        return "RedisScript[" + name + ", " + sha + "]";
    }
}
