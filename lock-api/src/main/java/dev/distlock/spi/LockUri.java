package dev.distlock.spi;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed lock-store URI of the form
 * {@code scheme://[user[:password]@]host[:port][,host[:port]…][/path][?key=value&…]}.
 * Unlike {@link java.net.URI} it accepts several comma-separated hosts, as Redis Sentinel,
 * Redis Cluster, Redlock and ZooKeeper URIs need. IPv6 hosts are written in brackets.
 *
 * <p>Immutable and thread-safe.
 */
public final class LockUri {
    /** A host and port; the port is {@code -1} when the URI gave none. */
    public record HostPort(String host, int port) {
        /**
         * Returns this address with {@code defaultPort} if it has no port.
         *
         * @param defaultPort the port to use when none was given
         * @return an address with a port
         */
        public HostPort withDefaultPort(int defaultPort) {
            return port >= 0 ? this : new HostPort(host, defaultPort);
        }

        @Override
        public String toString() {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return port >= 0 ? h + ":" + port : h;
        }
    }

    private final String original;
    private final String scheme;
    private final String user;
    private final String password;
    private final List<HostPort> hosts;
    private final String path;
    private final Map<String, String> params;

    private LockUri(String original, String scheme, String user, String password, List<HostPort> hosts,
            String path, Map<String, String> params) {
        this.original = original;
        this.scheme = scheme;
        this.user = user;
        this.password = password;
        this.hosts = List.copyOf(hosts);
        this.path = path;
        this.params = Collections.unmodifiableMap(params);
    }

    /**
     * Parses a URI.
     *
     * @param uri the URI text
     * @return the parsed URI
     * @throws IllegalArgumentException if {@code uri} is null, has no {@code scheme://}, or has a
     *         malformed host or port; the message names the part that is wrong
     */
    public static LockUri parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("uri must not be null or blank");
        }
        int sep = uri.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("uri must look like scheme://host:port, was '" + redact(uri) + "'");
        }
        String scheme = uri.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!scheme.matches("[a-z][a-z0-9+.-]*")) {
            throw new IllegalArgumentException("uri scheme '" + scheme + "' is not a valid scheme");
        }
        String rest = uri.substring(sep + 3);
        Map<String, String> params = new LinkedHashMap<>();
        int q = rest.indexOf('?');
        if (q >= 0) {
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                params.put(k, v);
            }
            rest = rest.substring(0, q);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash);
            rest = rest.substring(0, slash);
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String info = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = info.indexOf(':');
            if (colon >= 0) {
                user = decode(info.substring(0, colon));
                password = decode(info.substring(colon + 1));
            } else {
                password = decode(info);
            }
            if (user != null && user.isEmpty()) {
                user = null;
            }
        }
        List<HostPort> hosts = new ArrayList<>();
        if (!rest.isEmpty()) {
            for (String part : rest.split(",", -1)) {
                hosts.add(parseHost(part, uri));
            }
        }
        return new LockUri(uri, scheme, user, password, hosts, path, params);
    }

    private static HostPort parseHost(String part, String uri) {
        if (part.isEmpty()) {
            throw new IllegalArgumentException("uri has an empty host in '" + redact(uri) + "'");
        }
        String host;
        String portText = null;
        if (part.startsWith("[")) {
            int close = part.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("uri has an unclosed IPv6 bracket in '" + redact(uri) + "'");
            }
            host = part.substring(1, close);
            String after = part.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("uri has junk after IPv6 host in '" + redact(uri) + "'");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = part.lastIndexOf(':');
            if (colon >= 0) {
                host = part.substring(0, colon);
                portText = part.substring(colon + 1);
            } else {
                host = part;
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("uri has an empty host in '" + redact(uri) + "'");
        }
        int port = -1;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -2;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(
                        "uri port must be a number from 1 to 65535, was '" + portText + "' in '" + redact(uri) + "'");
            }
        }
        return new HostPort(host, port);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /**
     * Returns a URI text with any password replaced by {@code ***}, for messages and logs.
     *
     * @param uri the URI text, may be null
     * @return the text without the password
     */
    public static String redact(String uri) {
        if (uri == null) {
            return "null";
        }
        return uri.replaceAll("(://[^/@:]*:)[^/@]*@", "$1***@").replaceAll("(://)([^/@:]+)@", "$1***@");
    }

    /**
     * Returns the scheme, lower case.
     *
     * @return the scheme, for example {@code redis}
     */
    public String scheme() {
        return scheme;
    }

    /**
     * Returns the user name, or {@code null} if none was given.
     *
     * @return the user or null
     */
    public String user() {
        return user;
    }

    /**
     * Returns the password, or {@code null} if none was given.
     *
     * @return the password or null
     */
    public String password() {
        return password;
    }

    /**
     * Returns the hosts in the order given; empty for URIs such as {@code memory://}.
     *
     * @return the hosts, unmodifiable
     */
    public List<HostPort> hosts() {
        return hosts;
    }

    /**
     * Returns the path including its leading slash, or the empty string.
     *
     * @return the path
     */
    public String path() {
        return path;
    }

    /**
     * Returns the query parameters in the order given.
     *
     * @return the parameters, unmodifiable
     */
    public Map<String, String> params() {
        return params;
    }

    /**
     * Returns a query parameter or a default.
     *
     * @param key the parameter name
     * @param defaultValue returned when the parameter is absent
     * @return the value or the default
     */
    public String param(String key, String defaultValue) {
        return params.getOrDefault(Objects.requireNonNull(key, "key"), defaultValue);
    }

    @Override
    public String toString() {
        return redact(original);
    }
}
