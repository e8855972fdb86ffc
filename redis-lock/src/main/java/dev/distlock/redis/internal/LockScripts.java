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
     * (for the fence retention) and the token returned. A waiting client also keeps its place in
     * the lock's queue of waiting clients here, so joining, leaving and re-joining the queue cost
     * no extra round trip.
     *
     * <p>KEYS[1] lock key, KEYS[2] fence key, KEYS[3] queue key; ARGV[1] owner id, ARGV[2] lease
     * in ms, ARGV[3] fence retention in ms ({@code 0} keeps it forever), ARGV[4] the client id,
     * ARGV[5] the queue mode — {@code 0}: leave the queue alone (a single try), {@code 1}: on
     * failure put the client at the back of the queue (a first attempt that will wait),
     * {@code 2}: the same, and on success take the client out (a waiter's attempt) — ARGV[6] how
     * long (ms) a queue entry lives unless refreshed by another failed attempt. Reply: the token
     * ({@code > 0}) when taken; otherwise {@code -1 - remaining TTL in ms}, or {@code 0} if the
     * lock has no TTL.
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
              if ARGV[5] == '2' then redis.call('ZREM', KEYS[3], ARGV[4]) end
              return token
            end
            if ARGV[5] ~= '0' then
              local life = tonumber(ARGV[6])
              redis.call('ZADD', KEYS[3], tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + life, ARGV[4])
              redis.call('PEXPIRE', KEYS[3], life)
            end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then return 0 end
            return -1 - ttl
            """, ScriptOutputType.INTEGER);

    /**
     * Wakes the head of a lock's queue of waiting clients; shared by the scripts that free a lock
     * or give up a place. Expects {@code q} (queue key), {@code lock} (lock key), {@code self}
     * (the calling client's id, never woken: it wakes its own waiters in process) and
     * {@code trust} ({@code '1'}: PUBLISH's receiver count is exact, as on one server or a
     * Sentinel master, so a head nobody listens for is dropped and the next one tried;
     * otherwise, on a Cluster, entries past their expiry score are dropped instead).
     */
    private static final String WAKE_HEAD = """
            local function wakeHead(q, lock, self, trust)
              if trust ~= '1' then
                local now = redis.call('TIME')
                redis.call('ZREMRANGEBYSCORE', q, '-inf', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
              end
              while true do
                local head = redis.call('ZRANGE', q, 0, 0)[1]
                if not head or head == self then return end
                if redis.call('PUBLISH', lock .. ':wake:' .. head, self) > 0 or trust ~= '1' then return end
                redis.call('ZREM', q, head)
              end
            end
            """;

    /**
     * Release with a hand-off: compare-and-delete, then a wake-up for the first client in the
     * lock's queue only (nothing is published when nobody waits).
     *
     * <p>KEYS[1] lock key, KEYS[2] queue key; ARGV[1] the value the holder wrote
     * ({@code owner#token}), ARGV[2] the releasing client's id (the message), ARGV[3] {@code 1}
     * if PUBLISH's receiver count can be trusted (not a Cluster). Reply: 1 if released, 0 if the
     * lock was gone or someone else's.
     */
    public static final RedisScript HANDOFF = RedisScript.of("handoff", "if redis.replicate_commands then"
            + " redis.replicate_commands() end\n" + WAKE_HEAD + """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              wakeHead(KEYS[2], KEYS[1], ARGV[2], ARGV[3])
              return 1
            end
            return 0
            """, ScriptOutputType.INTEGER);

    /**
     * A client gives up its place in a lock's queue (its last waiter timed out or was cancelled,
     * or a wake-up reached it when none of its waiters wanted it): its entry goes and, if the lock
     * is free, the next client is woken in its stead, so a wake-up is never lost with it.
     *
     * <p>KEYS[1] lock key, KEYS[2] queue key; ARGV[1] the client id, ARGV[2] {@code 1} if
     * PUBLISH's receiver count can be trusted. Reply: 1 if the client had an entry, else 0.
     */
    public static final RedisScript DEQUEUE = RedisScript.of("dequeue", "if redis.replicate_commands then"
            + " redis.replicate_commands() end\n" + WAKE_HEAD + """
            local n = redis.call('ZREM', KEYS[2], ARGV[1])
            if redis.call('EXISTS', KEYS[1]) == 0 then wakeHead(KEYS[2], KEYS[1], ARGV[1], ARGV[2]) end
            return n
            """, ScriptOutputType.INTEGER);

    /**
     * Release: compare-and-delete, then a wake-up message on the lock's channel (every
     * subscriber hears it). No longer used: redis-lock and Redlock both release with
     * {@link #HANDOFF}, which wakes only the head of the lock's queue.
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
     * lock if its value starts with this owner's id, whatever the token, and wake the head of the
     * lock's queue.
     *
     * <p>KEYS[1] lock key, KEYS[2] queue key; ARGV[1] the owner id followed by {@code #},
     * ARGV[2] the client id, ARGV[3] {@code 1} if PUBLISH's receiver count can be trusted.
     * Reply: 1 if deleted, else 0.
     */
    public static final RedisScript ABANDON = RedisScript.of("abandon", "if redis.replicate_commands then"
            + " redis.replicate_commands() end\n" + WAKE_HEAD + """
            local v = redis.call('GET', KEYS[1])
            if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              wakeHead(KEYS[2], KEYS[1], ARGV[2], ARGV[3])
              return 1
            end
            return 0
            """, ScriptOutputType.INTEGER);
}
