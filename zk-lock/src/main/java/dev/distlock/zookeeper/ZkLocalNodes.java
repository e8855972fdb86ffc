package dev.distlock.zookeeper;

import java.util.Collection;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The lock nodes this client has (or may have) on the server, by path and by parent. Waiters
 * use it to learn, without a request, that nodes of their own client below theirs are gone.
 *
 * <p>Thread-safe.
 */
final class ZkLocalNodes {
    private final ConcurrentMap<String, ZkNode> byPath = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ConcurrentSkipListMap<Long, ZkNode>> byParent = new ConcurrentHashMap<>();

    void add(ZkNode node) {
        byPath.put(node.path, node);
        byParent.computeIfAbsent(node.parent, p -> new ConcurrentSkipListMap<>()).put(node.seq, node);
    }

    void remove(ZkNode node) {
        byPath.remove(node.path, node);
        byParent.computeIfPresent(node.parent, (p, m) -> {
            m.remove(node.seq, node);
            return m.isEmpty() ? null : m;
        });
    }

    ZkNode get(String path) {
        return byPath.get(path);
    }

    Collection<ZkNode> all() {
        return byPath.values();
    }

    /** Our nodes under {@code parent} with a sequence number below {@code seq}. */
    NavigableMap<Long, ZkNode> below(String parent, long seq) {
        ConcurrentSkipListMap<Long, ZkNode> m = byParent.get(parent);
        return m == null ? java.util.Collections.emptyNavigableMap() : m.headMap(seq, false);
    }
}
