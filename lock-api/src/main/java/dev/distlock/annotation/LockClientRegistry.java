package dev.distlock.annotation;

import dev.distlock.LockClient;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link LockClient}s that {@link DistributedLock#client()} can name: one default (the empty
 * name) and any number of named clients.
 *
 * <pre>{@code
 * LockClientRegistry clients = LockClientRegistry.of(redis, Map.of("zk", zookeeper));
 * Shop locked = LockProxies.wrap(shop, clients);   // @DistributedLock(client = "zk", ...)
 * }</pre>
 *
 * <p>The Spring Boot starter supplies its own registry, whose names are bean names.
 * Implementations must be thread-safe.
 */
public interface LockClientRegistry {
    /**
     * Finds a client.
     *
     * @param name the client's name, or the empty string for the default client
     * @return the client, or {@code null} if there is none of that name
     * @throws IllegalArgumentException (optionally) to explain why there is no such client;
     *         the caller adds the annotated method to the message
     */
    LockClient find(String name);

    /**
     * Returns the names of the named clients, for error messages.
     *
     * @return the names (without the default's empty name)
     */
    Collection<String> names();

    /**
     * Makes a registry holding only a default client.
     *
     * @param defaultClient the client used when {@link DistributedLock#client()} is empty
     * @return the registry
     * @throws IllegalArgumentException if {@code defaultClient} is null
     */
    static LockClientRegistry of(LockClient defaultClient) {
        if (defaultClient == null) {
            throw new IllegalArgumentException("defaultClient must not be null");
        }
        return of(defaultClient, Map.of());
    }

    /**
     * Makes a registry of a default client and named clients. The map is copied.
     *
     * @param defaultClient the client used when {@link DistributedLock#client()} is empty, or
     *        {@code null} if every annotation must name its client
     * @param named clients by name
     * @return the registry
     * @throws IllegalArgumentException if {@code named} is null, or holds a null or blank name
     *         or a null client
     */
    static LockClientRegistry of(LockClient defaultClient, Map<String, ? extends LockClient> named) {
        if (named == null) {
            throw new IllegalArgumentException("named must not be null");
        }
        Map<String, LockClient> copy = new LinkedHashMap<>();
        for (Map.Entry<String, ? extends LockClient> e : named.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                throw new IllegalArgumentException("client names must not be null or blank, was " + e.getKey());
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("client '" + e.getKey() + "' must not be null");
            }
            copy.put(e.getKey(), e.getValue());
        }
        List<String> names = List.copyOf(copy.keySet());
        return new LockClientRegistry() {
            @Override
            public LockClient find(String name) {
                return name == null || name.isEmpty() ? defaultClient : copy.get(name);
            }

            @Override
            public Collection<String> names() {
                return names;
            }

            @Override
            public String toString() {
                return "LockClientRegistry[default=" + defaultClient + ", named=" + names + "]";
            }
        };
    }
}
