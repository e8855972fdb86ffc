package dev.distlock.redis.internal;

import io.lettuce.core.ScriptOutputType;

/**
 * The Lua scripts of the Redis lock. Each runs atomically on the server that owns the lock's
 * hash slot; see {@link RedisLockDriver} for the key layout and what each failure does. Other
 * Redis-based backends (Redlock) may reuse them. Not part of the API.
 */
public final class LockScripts {
    private LockScripts() {
    }

    /**
     * Acquire in one round trip: {@code SET lock owner#token NX PX lease}, where the token is
     * {@code max(last token + 1, server time in microseconds)}; on success the counter is stored
     * (for the fence retention) and the token returned.
     *
     * <p>KEYS[1] lock key, KEYS[2] fence key; ARGV[1] owner id, ARGV[2] lease in ms, ARGV[3] fence
     * retention in ms ({@code 0} keeps it forever). Reply: the token ({@code > 0}) when taken;
     * otherwise {@code -1 - remaining TTL in ms}, or {@code 0} if the lock has no TTL.
     */
    public static final RedisScript ACQUIRE = RedisScript.of("acquire", """
            if redis.replicate_commands then redis.replicate_commands() end
            local now = redis.call('TIME')
            local token = tonumber(now[1]) * 1000000 + tonumber(now[2])
            local last = tonumber(redis.call('GET', KEYS[2]))
            if last and last >= token then token = last + 1 end
            local t = string.format('%.0f', token)
            if redis.call('SET', KEYS[1], ARGV[1] .. '#' .. t, 'NX', 'PX', ARGV[2]) then
              if ARGV[3] == '0' then
                redis.call('SET', KEYS[2], t)
              else
                redis.call('SET', KEYS[2], t, 'PX', ARGV[3])
              end
              return token
            end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then return 0 end
            return -1 - ttl
            """, ScriptOutputType.INTEGER);

    /**
     * Release: compare-and-delete, then a wake-up message on the lock's channel.
     *
     * <p>KEYS[1] lock key; ARGV[1] the value the holder wrote ({@code owner#token}), ARGV[2] the
     * message (the releasing client's id), published on {@code KEYS[1]:wake}. Reply: 1 if
     * released, 0 if the lock was gone or someone else's.
     */
    public static final RedisScript RELEASE = RedisScript.of("release", """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              redis.call('PUBLISH', KEYS[1] .. ':wake', ARGV[2])
              return 1
            end
            return 0
            """, ScriptOutputType.INTEGER);

    /**
     * Renew any number of locks (of one hash slot on a cluster): compare-and-PEXPIRE each.
     *
     * <p>KEYS[i] lock keys; ARGV[i] the value each holder wrote, ARGV[n + i] the lease in ms for
     * KEYS[i]. Reply: an array with 1 (renewed) or 0 (gone or someone else's) per key.
     */
    public static final RedisScript RENEW = RedisScript.of("renew", """
            local n = #KEYS
            local out = {}
            for i = 1, n do
              if redis.call('GET', KEYS[i]) == ARGV[i] then
                redis.call('PEXPIRE', KEYS[i], ARGV[n + i])
                out[i] = 1
              else
                out[i] = 0
              end
            end
            return out
            """, ScriptOutputType.MULTI);

    /**
     * Clean up after an acquire whose reply was lost (timeout, dropped connection): delete the
     * lock if its value starts with this owner's id, whatever the token, and wake waiters.
     *
     * <p>KEYS[1] lock key; ARGV[1] the owner id followed by {@code #}, ARGV[2] the message,
     * published on {@code KEYS[1]:wake}. Reply: 1 if deleted, else 0.
     */
    public static final RedisScript ABANDON = RedisScript.of("abandon", """
            local v = redis.call('GET', KEYS[1])
            if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              redis.call('PUBLISH', KEYS[1] .. ':wake', ARGV[2])
              return 1
            end
            return 0
            """, ScriptOutputType.INTEGER);
}
