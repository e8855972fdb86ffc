package dev.distlock.redis.internal;

import io.lettuce.core.ScriptOutputType;

/**
 * The Lua scripts of Redis read-write locks and semaphores; see {@link RedisCoordinationDriver}
 * for the keys and what each failure does. Times inside the scripts are the server's
 * ({@code TIME}), in milliseconds; fencing tokens are issued as the lock's acquire script does
 * ({@code max(last + 1, TIME in microseconds)}). Every script that frees something publishes on
 * the name's channel. Not part of the API.
 */
final class CoordinationScripts {
    private CoordinationScripts() {
    }

    /** Shared head: server time, a token issuer, and pruning of a sorted set of expiries. */
    private static final String HEAD = """
            if redis.replicate_commands then redis.replicate_commands() end
            local t = redis.call('TIME')
            local nowms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local micros = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local function issue(fence, retention)
              local token = micros
              local last = tonumber(redis.call('GET', fence))
              if last and last >= token then token = last + 1 end
              local ts = string.format('%.0f', token)
              if retention == '0' then redis.call('SET', fence, ts) else redis.call('SET', fence, ts, 'PX', retention) end
              return token, ts
            end
            local function keepUntilLast(zset)
              local last = redis.call('ZRANGE', zset, -1, -1, 'WITHSCORES')
              if last[2] then
                local ttl = math.floor(tonumber(last[2]) - nowms)
                if ttl < 1 then ttl = 1 end
                redis.call('PEXPIRE', zset, ttl)
              end
            end
            local function firstExpiry(zset)
              local first = redis.call('ZRANGE', zset, 0, 0, 'WITHSCORES')
              if first[2] then return math.floor(tonumber(first[2]) - nowms) end
              return nil
            end
            """;

    /**
     * Read-write acquire. KEYS: writer, readers (zset {@code owner#token -> expiry ms}), waiting
     * writers (zset {@code owner -> expiry ms}), fence. ARGV: {@code r} or {@code w}, owner,
     * lease ms, fence retention ms, how long a waiting writer's mark lasts (ms). Reply: the token
     * when granted, else {@code -1 - ms until something may change}.
     */
    static final RedisScript RW_ACQUIRE = RedisScript.of("rw-acquire", HEAD + """
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', nowms)
            redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', nowms)
            local owner = ARGV[2]
            local w = redis.call('GET', KEYS[1])
            local readers = redis.call('ZCARD', KEYS[2])
            if ARGV[1] == 'w' then
              if not w and readers == 0 then
                local token, ts = issue(KEYS[4], ARGV[4])
                redis.call('SET', KEYS[1], owner .. '#' .. ts, 'PX', ARGV[3])
                redis.call('ZREM', KEYS[3], owner)
                return token
              end
              redis.call('ZADD', KEYS[3], nowms + tonumber(ARGV[5]), owner)
              keepUntilLast(KEYS[3])
            else
              local mine = w and string.sub(w, 1, #owner + 1) == owner .. '#'
              if mine or (not w and redis.call('ZCARD', KEYS[3]) == 0) then
                local token, ts = issue(KEYS[4], ARGV[4])
                redis.call('ZADD', KEYS[2], nowms + tonumber(ARGV[3]), owner .. '#' .. ts)
                keepUntilLast(KEYS[2])
                return token
              end
            end
            local wait = 1000
            if w then
              local ttl = redis.call('PTTL', KEYS[1])
              if ttl >= 0 and ttl < wait then wait = ttl end
            end
            local r = firstExpiry(KEYS[2])
            if r and r < wait then wait = r end
            if wait < 0 then wait = 0 end
            return -1 - wait
            """, ScriptOutputType.INTEGER);

    /**
     * Read-write release. KEYS: writer, readers, waiting writers. ARGV: {@code r} or {@code w},
     * {@code owner#token}, the message to publish, the channel. Reply: 1 if released, else 0.
     */
    static final RedisScript RW_RELEASE = RedisScript.of("rw-release", """
            local done = 0
            if ARGV[1] == 'w' then
              if redis.call('GET', KEYS[1]) == ARGV[2] then
                redis.call('DEL', KEYS[1])
                done = 1
              end
            else
              done = redis.call('ZREM', KEYS[2], ARGV[2])
            end
            if done == 1 then redis.call('PUBLISH', ARGV[4], ARGV[3]) end
            return done
            """, ScriptOutputType.INTEGER);

    /**
     * Read-write renew. KEYS: writer, readers. ARGV: {@code r} or {@code w},
     * {@code owner#token}, lease ms. Reply: 1 if renewed, 0 if gone.
     */
    static final RedisScript RW_RENEW = RedisScript.of("rw-renew", HEAD + """
            if ARGV[1] == 'w' then
              if redis.call('GET', KEYS[1]) == ARGV[2] then
                redis.call('PEXPIRE', KEYS[1], ARGV[3])
                return 1
              end
              return 0
            end
            local score = redis.call('ZSCORE', KEYS[2], ARGV[2])
            if score and tonumber(score) > nowms then
              redis.call('ZADD', KEYS[2], nowms + tonumber(ARGV[3]), ARGV[2])
              keepUntilLast(KEYS[2])
              return 1
            end
            return 0
            """, ScriptOutputType.INTEGER);

    /**
     * A waiting writer gives up: its mark goes, and readers it held back are told. KEYS:
     * waiting writers. ARGV: owner, message, channel. Reply: 1 if a mark was removed.
     */
    static final RedisScript RW_WITHDRAW = RedisScript.of("rw-withdraw", """
            local n = redis.call('ZREM', KEYS[1], ARGV[1])
            if n == 1 then redis.call('PUBLISH', ARGV[3], ARGV[2]) end
            return n
            """, ScriptOutputType.INTEGER);

    /**
     * Whether a side is held. KEYS: writer, readers. ARGV: {@code r} or {@code w}. Reply: 1 or 0.
     */
    static final RedisScript RW_HELD = RedisScript.of("rw-held", HEAD + """
            if ARGV[1] == 'w' then return redis.call('EXISTS', KEYS[1]) end
            if redis.call('ZCOUNT', KEYS[2], '(' .. nowms, '+inf') > 0 then return 1 end
            return 0
            """, ScriptOutputType.INTEGER);

    /**
     * Semaphore head: drop expired leases, and counts whose lease is gone (expired, or deleted
     * behind the scripts' back), and sum the permits of the live leases.
     */
    private static final String SEM_PRUNE = """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowms)
            local live = redis.call('ZRANGE', KEYS[1], 0, -1)
            local used = 0
            local keep = {}
            for i = 1, #live do
              local c = redis.call('HGET', KEYS[2], live[i])
              if c then
                used = used + tonumber(c)
                keep[live[i]] = true
              end
            end
            local counted = redis.call('HKEYS', KEYS[2])
            for i = 1, #counted do
              if not keep[counted[i]] then redis.call('HDEL', KEYS[2], counted[i]) end
            end
            """;

    /**
     * Semaphore acquire. KEYS: leases (zset {@code owner#token -> expiry ms}), counts (hash
     * {@code owner#token -> permits}), fence. ARGV: owner, permits, limit, lease ms, fence
     * retention ms. Reply: the token when granted, else {@code -1 - ms until a lease may end}.
     */
    static final RedisScript SEM_ACQUIRE = RedisScript.of("sem-acquire", HEAD + SEM_PRUNE + """
            local n = tonumber(ARGV[2])
            if used + n <= tonumber(ARGV[3]) then
              local token, ts = issue(KEYS[3], ARGV[5])
              local member = ARGV[1] .. '#' .. ts
              redis.call('ZADD', KEYS[1], nowms + tonumber(ARGV[4]), member)
              redis.call('HSET', KEYS[2], member, n)
              keepUntilLast(KEYS[1])
              redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
              return token
            end
            local wait = firstExpiry(KEYS[1]) or 1000
            if wait > 1000 then wait = 1000 end
            if wait < 0 then wait = 0 end
            return -1 - wait
            """, ScriptOutputType.INTEGER);

    /**
     * Semaphore renew. KEYS: leases, counts. ARGV: {@code owner#token}, lease ms. Reply: 1 or 0.
     */
    static final RedisScript SEM_RENEW = RedisScript.of("sem-renew", HEAD + """
            local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if score and tonumber(score) > nowms and redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
              redis.call('ZADD', KEYS[1], nowms + tonumber(ARGV[2]), ARGV[1])
              keepUntilLast(KEYS[1])
              redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
              return 1
            end
            return 0
            """, ScriptOutputType.INTEGER);

    /**
     * Semaphore release of some or all of a lease's permits. KEYS: leases, counts. ARGV:
     * {@code owner#token}, how many, message, channel. Reply: 1 if given back, 0 if the lease
     * is gone.
     */
    static final RedisScript SEM_RELEASE = RedisScript.of("sem-release", HEAD + """
            local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if not score or tonumber(score) <= nowms then return 0 end
            local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
            local k = tonumber(ARGV[2])
            if k >= held then
              redis.call('ZREM', KEYS[1], ARGV[1])
              redis.call('HDEL', KEYS[2], ARGV[1])
            else
              redis.call('HINCRBY', KEYS[2], ARGV[1], -k)
            end
            redis.call('PUBLISH', ARGV[4], ARGV[3])
            return 1
            """, ScriptOutputType.INTEGER);

    /** Semaphore free count. KEYS: leases, counts. ARGV: limit. Reply: the free permits. */
    static final RedisScript SEM_FREE = RedisScript.of("sem-free", HEAD + SEM_PRUNE + """
            local free = tonumber(ARGV[1]) - used
            if free < 0 then free = 0 end
            return free
            """, ScriptOutputType.INTEGER);
}
