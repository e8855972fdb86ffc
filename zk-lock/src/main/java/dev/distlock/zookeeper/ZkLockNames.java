package dev.distlock.zookeeper;

/**
 * Maps lock names to ZooKeeper node names and back, and builds the paths the ZooKeeper backend
 * uses. Operators can use it to find the node of a lock; tests use it to look at what the backend
 * left on the server.
 *
 * <h2>Encoding</h2>
 * A lock name (any Java string of 1 to 1024 characters) becomes one path component:
 * <ul>
 * <li>printable ASCII ({@code U+0020..U+007E}) stays as it is, except {@code /} and {@code %};</li>
 * <li>characters ZooKeeper accepts in paths ({@code U+00A0..U+D7FF} and {@code U+F900..U+FFEF})
 *     stay as they are, so {@code "锁"} stays readable;</li>
 * <li>every other character (controls, {@code /}, {@code %}, surrogates — emoji are surrogate
 *     pairs —, the private use area, {@code U+FFF0..U+FFFF}) becomes {@code %XX} if it is at most
 *     {@code U+00FF} and {@code %uXXXX} otherwise (upper-case hex, one escape per UTF-16 unit, so
 *     even unpaired surrogates survive);</li>
 * <li>the names {@code "."} and {@code ".."}, which are not valid components, have their dots
 *     escaped as {@code %2E}.</li>
 * </ul>
 * The encoding is injective and {@link #decode(String)} inverts it exactly; distinct names
 * (including names that differ only in case or trailing spaces) give distinct components.
 *
 * <h2>Layout</h2>
 * {@code /<namespace>/locks/<encoded name>/<lock node>}: the namespace (default
 * {@code distlock}) and {@code locks} are persistent nodes, the per-lock parent is a container
 * node (the server deletes it once it is empty), and each lock node is an ephemeral sequential
 * node named {@code lk-<client id>-<attempt>-<10-digit sequence>}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ZkLockNames {
    /** The namespace used when the URI has no path. */
    public static final String DEFAULT_NAMESPACE = "distlock";
    /** The component under the namespace that holds the lock parents. */
    static final String LOCKS = "locks";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ZkLockNames() {
    }

    /**
     * Encodes a lock name as one valid ZooKeeper path component.
     *
     * @param lockName the lock name, not empty
     * @return the component, never containing {@code /}
     * @throws IllegalArgumentException if {@code lockName} is null or empty
     */
    public static String encode(String lockName) {
        if (lockName == null || lockName.isEmpty()) {
            throw new IllegalArgumentException("lockName must not be null or empty");
        }
        if (lockName.equals(".") || lockName.equals("..")) {
            return lockName.equals(".") ? "%2E" : "%2E%2E";
        }
        StringBuilder sb = null;
        for (int i = 0; i < lockName.length(); i++) {
            char c = lockName.charAt(i);
            if (keep(c)) {
                if (sb != null) {
                    sb.append(c);
                }
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(lockName.length() + 16);
                sb.append(lockName, 0, i);
            }
            if (c <= 0xFF) {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else {
                sb.append("%u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF])
                        .append(HEX[c & 0xF]);
            }
        }
        return sb == null ? lockName : sb.toString();
    }

    private static boolean keep(char c) {
        if (c >= 0x20 && c <= 0x7E) {
            return c != '/' && c != '%';
        }
        return (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFFEF);
    }

    /**
     * Decodes a path component made by {@link #encode(String)}.
     *
     * @param component the encoded component
     * @return the lock name
     * @throws IllegalArgumentException if {@code component} is null, empty or not a valid
     *         encoding (a bad escape, or a character that {@link #encode} would have escaped)
     */
    public static String decode(String component) {
        if (component == null || component.isEmpty()) {
            throw new IllegalArgumentException("component must not be null or empty");
        }
        StringBuilder sb = new StringBuilder(component.length());
        int i = 0;
        while (i < component.length()) {
            char c = component.charAt(i);
            if (c != '%') {
                if (!keep(c)) {
                    throw new IllegalArgumentException(
                            "component has an unescaped character U+" + hex4(c) + " at index " + i + ": " + component);
                }
                sb.append(c);
                i++;
                continue;
            }
            if (i + 1 < component.length() && component.charAt(i + 1) == 'u') {
                sb.append((char) hexAt(component, i + 2, 4));
                i += 6;
            } else {
                sb.append((char) hexAt(component, i + 1, 2));
                i += 3;
            }
        }
        String name = sb.toString();
        if (!encode(name).equals(component)) {
            throw new IllegalArgumentException("component is not in canonical encoding: " + component);
        }
        return name;
    }

    private static int hexAt(String s, int from, int digits) {
        if (from + digits > s.length()) {
            throw new IllegalArgumentException("component has a truncated %-escape at index " + (from - 1) + ": " + s);
        }
        int v = 0;
        for (int k = from; k < from + digits; k++) {
            int d = Character.digit(s.charAt(k), 16);
            if (d < 0 || Character.isLowerCase(s.charAt(k))) {
                throw new IllegalArgumentException("component has a bad %-escape at index " + (from - 1) + ": " + s);
            }
            v = v * 16 + d;
        }
        return v;
    }

    private static String hex4(char c) {
        return "" + HEX[(c >> 12) & 0xF] + HEX[(c >> 8) & 0xF] + HEX[(c >> 4) & 0xF] + HEX[c & 0xF];
    }

    /**
     * Returns the absolute path of the namespace root for a {@code zk://} URI path.
     *
     * @param uriPath the URI's path ({@code ""}, {@code "/"} or {@code "/a/b"})
     * @return the root, for example {@code /distlock}
     * @throws IllegalArgumentException if {@code uriPath} is null or not a valid ZooKeeper path
     *         (empty, {@code .} or {@code ..} components, forbidden characters, or under
     *         {@code /zookeeper})
     */
    public static String namespaceRoot(String uriPath) {
        if (uriPath == null) {
            throw new IllegalArgumentException("namespace path must not be null");
        }
        String p = uriPath;
        while (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty() || p.equals("/")) {
            return "/" + DEFAULT_NAMESPACE;
        }
        if (!p.startsWith("/")) {
            p = "/" + p;
        }
        for (String part : p.substring(1).split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("namespace must be a ZooKeeper path without empty, '.' or '..' parts, was '"
                        + uriPath + "'");
            }
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (!keep(c) || c == '%') {
                    throw new IllegalArgumentException("namespace has a character ZooKeeper does not allow (U+" + hex4(c)
                            + ") in '" + uriPath + "'");
                }
            }
        }
        if (p.equals("/zookeeper") || p.startsWith("/zookeeper/")) {
            throw new IllegalArgumentException("namespace must not be under /zookeeper (reserved), was '" + uriPath + "'");
        }
        return p;
    }

    /**
     * Returns the path of the parent node under which the lock nodes of {@code lockName} live.
     *
     * @param namespaceRoot the namespace root, as returned by {@link #namespaceRoot(String)}
     * @param lockName the lock name
     * @return {@code <root>/locks/<encoded name>}
     * @throws IllegalArgumentException if an argument is null or empty
     */
    public static String lockPath(String namespaceRoot, String lockName) {
        if (namespaceRoot == null || namespaceRoot.isEmpty()) {
            throw new IllegalArgumentException("namespaceRoot must not be null or empty");
        }
        return namespaceRoot + "/" + LOCKS + "/" + encode(lockName);
    }

    /**
     * Tells whether a child of a lock parent is a lock node of this backend, and returns its
     * sequence number.
     *
     * @param child a child node name
     * @return the sequence number, or -1 if {@code child} is not a lock node
     */
    public static long sequenceOf(String child) {
        int n = child.length();
        if (n < 14 || !child.startsWith("lk-") || child.charAt(n - 11) != '-') {
            return -1;
        }
        long v = 0;
        for (int i = n - 10; i < n; i++) {
            char c = child.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
