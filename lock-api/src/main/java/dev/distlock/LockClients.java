package dev.distlock;

import dev.distlock.spi.LockClientProvider;
import dev.distlock.spi.LockUri;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Connects {@link LockClient}s by URI. The backend is chosen by the URI's scheme among the
 * {@link LockClientProvider}s on the class path:
 *
 * <table>
 * <caption>URI schemes</caption>
 * <tr><th>URI</th><th>backend</th><th>module</th></tr>
 * <tr><td>{@code redis://[user:pass@]host:port[/db]}, {@code rediss://…}</td><td>single Redis</td><td>redis-lock</td></tr>
 * <tr><td>{@code redis-sentinel://h1:p1,h2:p2/master}</td><td>Redis behind Sentinel</td><td>redis-lock</td></tr>
 * <tr><td>{@code redis-cluster://h1:p1,h2:p2}</td><td>Redis Cluster</td><td>redis-lock</td></tr>
 * <tr><td>{@code redlock://h1:p1,h2:p2,h3:p3}</td><td>Redlock</td><td>redlock</td></tr>
 * <tr><td>{@code zk://h1:p1,h2:p2[/namespace]}</td><td>ZooKeeper</td><td>zk-lock</td></tr>
 * <tr><td>{@code memory://[store]}</td><td>in-process store, for tests</td><td>lock-api</td></tr>
 * </table>
 *
 * <p>Thread-safe.
 */
public final class LockClients {
    private static volatile Map<String, LockClientProvider> providers;

    private LockClients() {
    }

    /**
     * Connects with the default settings ({@link LockConfig#defaults()}).
     *
     * @param uri the store's URI
     * @return a connected client; close it when done
     * @throws IllegalArgumentException if the URI is malformed or no backend on the class path
     *         serves its scheme (the message lists the schemes that are served)
     * @throws BackendUnavailableException if the store cannot be reached within the connect
     *         timeout
     */
    public static LockClient connect(String uri) {
        return connect(uri, LockConfig.defaults());
    }

    /**
     * Connects with the given settings.
     *
     * @param uri the store's URI
     * @param config the settings
     * @return a connected client; close it when done
     * @throws IllegalArgumentException if {@code config} is null, the URI is malformed, or no
     *         backend on the class path serves its scheme
     * @throws BackendUnavailableException if the store cannot be reached within the connect
     *         timeout
     */
    public static LockClient connect(String uri, LockConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        LockUri parsed = LockUri.parse(uri);
        LockClientProvider provider = providers().get(parsed.scheme());
        if (provider == null) {
            throw new IllegalArgumentException("no distlock backend serves scheme '" + parsed.scheme()
                    + "' (served here: " + providers().keySet()
                    + "); add redis-lock, redlock or zk-lock to the class path");
        }
        return provider.connect(parsed, config);
    }

    private static Map<String, LockClientProvider> providers() {
        Map<String, LockClientProvider> p = providers;
        if (p == null) {
            synchronized (LockClients.class) {
                p = providers;
                if (p == null) {
                    p = new TreeMap<>();
                    for (LockClientProvider provider : ServiceLoader.load(LockClientProvider.class,
                            LockClients.class.getClassLoader())) {
                        for (String scheme : provider.schemes()) {
                            p.putIfAbsent(scheme, provider);
                        }
                    }
                    providers = p;
                }
            }
        }
        return p;
    }
}
