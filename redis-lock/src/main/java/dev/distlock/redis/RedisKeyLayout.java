package dev.distlock.redis;

import java.util.Objects;

/**
 * Where a lock lives on Redis: the names of its keys and of its wake-up channel.
 *
 * <p>For a lock named {@code N} and the key prefix {@code P} (default {@value #DEFAULT_PREFIX}):
 * <table>
 * <caption>Keys of one lock</caption>
 * <tr><th>name</th><th>type</th><th>content</th></tr>
 * <tr><td>{@code P{N}}</td><td>string with a TTL</td><td>the lock: {@code <owner id>#<fencing token>},
 *     present only while held, expiring with the lease</td></tr>
 * <tr><td>{@code P{N}:fence}</td><td>string holding an integer</td><td>the last fencing token handed out,
 *     kept for the fence retention (default one day) after the last acquisition</td></tr>
 * <tr><td>{@code P{N}:queue}</td><td>sorted set</td><td>the clients waiting for the lock (their
 *     ids), scored by when each entry expires (server time in ms); a release wakes the first</td></tr>
 * <tr><td>{@code P{N}:wake:<client id>}</td><td>pub/sub channel</td><td>a client's own wake-up channel
 *     for the lock: a release publishes on it when that client is first in the queue</td></tr>
 * <tr><td>{@code P{N}:wake}</td><td>pub/sub channel</td><td>Redlock's wake-up channel (a message on
 *     every release)</td></tr>
 * </table>
 *
 * <p>The braces are a Redis Cluster hash tag, so all keys of a lock always sit in the same slot
 * and one script can touch them. Inside the tag the name is escaped ({@code %} as {@code %25},
 * {@code {} as {@code %7B}, {@code }} as {@code %7D}) so that no name can end the tag early and
 * two different names never share a key; names without those characters appear unchanged.
 *
 * <p>Immutable and thread-safe.
 */
public final class RedisKeyLayout {
    /** The prefix used unless another is configured. */
    public static final String DEFAULT_PREFIX = "distlock:";
    /** The longest prefix accepted. */
    public static final int MAX_PREFIX_LENGTH = 256;

    private static final RedisKeyLayout DEFAULT = new RedisKeyLayout(DEFAULT_PREFIX);

    private final String prefix;

    private RedisKeyLayout(String prefix) {
        this.prefix = prefix;
    }

    /**
     * Returns the layout with {@link #DEFAULT_PREFIX}.
     *
     * @return the default layout
     */
    public static RedisKeyLayout defaults() {
        return DEFAULT;
    }

    /**
     * Returns the layout for a key prefix.
     *
     * @param prefix the prefix put before every key and channel; may be empty
     * @return the layout
     * @throws IllegalArgumentException if {@code prefix} is null, longer than
     *         {@value #MAX_PREFIX_LENGTH} characters, or contains {@code {}, {@code }} or a
     *         control character
     */
    public static RedisKeyLayout withPrefix(String prefix) {
        return DEFAULT_PREFIX.equals(prefix) ? DEFAULT : new RedisKeyLayout(checkPrefix(prefix));
    }

    /**
     * Checks a key prefix.
     *
     * @param prefix the prefix
     * @return the prefix
     * @throws IllegalArgumentException as {@link #withPrefix(String)}
     */
    static String checkPrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("prefix must not be null (use \"\" for none)");
        }
        if (prefix.length() > MAX_PREFIX_LENGTH) {
            throw new IllegalArgumentException(
                    "prefix must be at most " + MAX_PREFIX_LENGTH + " characters, was " + prefix.length());
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '{' || c == '}' || Character.isISOControl(c)) {
                throw new IllegalArgumentException("prefix must not contain '{', '}' or control characters "
                        + "(braces would change the Redis Cluster hash tag), was '" + prefix + "'");
            }
        }
        return prefix;
    }

    /**
     * Returns the prefix.
     *
     * @return the prefix, possibly empty
     */
    public String prefix() {
        return prefix;
    }

    /**
     * Returns the key of the lock itself.
     *
     * @param name the lock name
     * @return {@code <prefix>{<escaped name>}}
     * @throws NullPointerException if {@code name} is null
     */
    public String lockKey(String name) {
        return prefix + '{' + escape(Objects.requireNonNull(name, "name")) + '}';
    }

    /**
     * Returns the key of the lock's fencing-token counter.
     *
     * @param name the lock name
     * @return {@code <lock key>:fence}
     * @throws NullPointerException if {@code name} is null
     */
    public String fenceKey(String name) {
        return lockKey(name) + ":fence";
    }

    /**
     * Returns the key of the lock's queue of waiting clients.
     *
     * @param name the lock name
     * @return {@code <lock key>:queue}
     * @throws NullPointerException if {@code name} is null
     */
    public String queueKey(String name) {
        return lockKey(name) + ":queue";
    }

    /**
     * Returns one client's own wake-up channel for the lock, on which a release tells that client
     * (when it is first in the lock's queue) to try again.
     *
     * @param name the lock name
     * @param clientId the client's id
     * @return {@code <lock key>:wake:<client id>}
     * @throws NullPointerException if {@code name} or {@code clientId} is null
     */
    public String clientChannel(String name, String clientId) {
        return channel(name) + ':' + Objects.requireNonNull(clientId, "clientId");
    }

    /**
     * Returns the pub/sub channel on which every release of the lock is announced (Redlock's; the
     * prefix of each client's {@link #clientChannel own channel}).
     *
     * @param name the lock name
     * @return {@code <lock key>:wake}
     * @throws NullPointerException if {@code name} is null
     */
    public String channel(String name) {
        return lockKey(name) + ":wake";
    }

    static String escape(String name) {
        int i = 0;
        int n = name.length();
        while (i < n) {
            char c = name.charAt(i);
            if (c == '%' || c == '{' || c == '}') {
                break;
            }
            i++;
        }
        if (i == n) {
            return name;
        }
        StringBuilder sb = new StringBuilder(n + 8).append(name, 0, i);
        for (; i < n; i++) {
            char c = name.charAt(i);
            switch (c) {
                case '%' -> sb.append("%25");
                case '{' -> sb.append("%7B");
                case '}' -> sb.append("%7D");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RedisKeyLayout other && prefix.equals(other.prefix);
    }

    @Override
    public int hashCode() {
        return prefix.hashCode();
    }

    @Override
    public String toString() {
        return "RedisKeyLayout[prefix='" + prefix + "']";
    }
}
