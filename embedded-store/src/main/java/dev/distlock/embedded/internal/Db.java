package dev.distlock.embedded.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * One logical database: a chained hash table of {@link Entry} (power-of-two size, so SCAN can
 * use Redis's reverse-binary cursor and still see every key present for the whole scan across
 * resizes), an array of the entries that have a TTL (for sampling by the active expiry
 * cycle), the clients watching keys and the clients blocked on keys.
 *
 * <p>Only the thread that currently owns the keyspace (the event loop, or the script thread
 * while a script runs) touches a Db.
 */
final class Db {
    final int index;
    private final RedisServerCore core;
    private Entry[] table = new Entry[16];
    private int size;
    private Entry[] expiring = new Entry[16];
    private int expCount;
    /** Watching clients per key; null while nobody watches. */
    HashMap<Bytes, List<Client>> watchers;
    /** Clients blocked on a key, in arrival order; null while nobody is blocked. */
    HashMap<Bytes, ArrayDeque<Conn>> blocked;

    Db(int index, RedisServerCore core) {
        this.index = index;
        this.core = core;
    }

    static int hash(byte[] k) {
        int h = 0x9747b28c;
        for (byte b : k) {
            h = 31 * h + b;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }

    int size() {
        return size;
    }

    int expiresCount() {
        return expCount;
    }

    /** @return the entry, even if logically expired */
    Entry find(byte[] key, int h) {
        Entry[] t = table;
        for (Entry e = t[h & (t.length - 1)]; e != null; e = e.next) {
            if (e.hash == h && Arrays.equals(e.key, key)) {
                return e;
            }
        }
        return null;
    }

    /** @return the live entry of the key, deleting it first if it has expired */
    Entry lookup(byte[] key) {
        Entry e = find(key, hash(key));
        if (e != null && e.expireAt >= 0 && e.expireAt <= core.now()) {
            if (!core.repl.replica) { // a replica waits for its primary's DEL
                expireNow(e);
            }
            return null;
        }
        return e;
    }

    /** @return whether the key exists and has not expired, without deleting it */
    boolean isLive(byte[] key) {
        Entry e = find(key, hash(key));
        return e != null && (e.expireAt < 0 || e.expireAt > core.now());
    }

    /** Deletes an expired entry, telling watchers. */
    void expireNow(Entry e) {
        delete(e);
        modified(e.key);
    }

    /**
     * Adds a new key (the caller checked it does not exist).
     *
     * @return the new entry
     */
    Entry add(byte[] key, byte type, Object value) {
        int h = hash(key);
        Entry e = new Entry(key, h, type, value);
        if (core.repl.tracking) {
            core.repl.touch(index, key);
        }
        Entry[] t = table;
        int i = h & (t.length - 1);
        e.next = t[i];
        t[i] = e;
        if (++size > t.length) {
            resize(t.length * 2);
        }
        return e;
    }

    /** Removes an entry. */
    void delete(Entry e) {
        if (core.repl.tracking) {
            core.repl.touch(index, e.key);
        }
        Entry[] t = table;
        int i = e.hash & (t.length - 1);
        Entry prev = null;
        for (Entry x = t[i]; x != null; prev = x, x = x.next) {
            if (x == e) {
                if (prev == null) {
                    t[i] = x.next;
                } else {
                    prev.next = x.next;
                }
                size--;
                break;
            }
        }
        e.next = null;
        persist(e);
        if (t.length > 16 && size < t.length / 8) {
            resize(t.length / 2);
        }
    }

    private void resize(int n) {
        Entry[] old = table;
        Entry[] t = new Entry[n];
        for (Entry head : old) {
            for (Entry e = head; e != null; ) {
                Entry next = e.next;
                int i = e.hash & (n - 1);
                e.next = t[i];
                t[i] = e;
                e = next;
            }
        }
        table = t;
    }

    /** Sets or replaces the deadline of an entry. */
    void setExpire(Entry e, long at) {
        if (core.repl.tracking) {
            core.repl.touch(index, e.key);
        }
        e.expireAt = at;
        if (e.expIndex < 0) {
            if (expCount == expiring.length) {
                expiring = Arrays.copyOf(expiring, expCount * 2);
            }
            e.expIndex = expCount;
            expiring[expCount++] = e;
        }
    }

    /** Removes the deadline of an entry. @return whether it had one */
    boolean persist(Entry e) {
        if (e.expIndex < 0) {
            e.expireAt = -1;
            return false;
        }
        int i = e.expIndex;
        Entry last = expiring[--expCount];
        expiring[i] = last;
        last.expIndex = i;
        expiring[expCount] = null;
        e.expIndex = -1;
        e.expireAt = -1;
        return true;
    }

    /** Removes every key (watchers are told by the caller). */
    void clear() {
        if (core.repl.tracking) {
            core.repl.flushed(index);
        }
        table = new Entry[16];
        size = 0;
        expiring = new Entry[16];
        expCount = 0;
    }

    /** Tells clients watching the key that it changed. */
    void modified(byte[] key) {
        if (core.repl.tracking) {
            core.repl.touch(index, key);
        }
        if (watchers != null) {
            List<Client> l = watchers.get(new Bytes(key));
            if (l != null) {
                for (Client c : l) {
                    c.casDirty = true;
                }
            }
        }
    }

    /** Tells every watcher of this db that its key changed (FLUSHDB). */
    void modifiedAll() {
        if (watchers != null) {
            for (List<Client> l : watchers.values()) {
                for (Client c : l) {
                    c.casDirty = true;
                }
            }
        }
    }

    /** Notes that a list got elements, for clients blocked on it. */
    void listPushed(byte[] key) {
        if (blocked != null && blocked.containsKey(new Bytes(key))) {
            core.keyReady(this, new Bytes(key));
        }
    }

    /**
     * One pass of active expiry: samples up to 20 keys with a TTL and deletes the expired ones,
     * repeating while more than a quarter of a sample had expired, within a time budget.
     *
     * @param deadlineNanos stop after this System.nanoTime()
     * @return the number of keys deleted
     */
    int activeExpire(long deadlineNanos) {
        int deleted = 0;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long now = core.now();
        while (expCount > 0) {
            int sample = Math.min(20, expCount);
            int expired = 0;
            for (int i = 0; i < sample && expCount > 0; i++) {
                Entry e = expiring[rnd.nextInt(expCount)];
                if (e.expireAt <= now) {
                    expireNow(e);
                    expired++;
                }
            }
            deleted += expired;
            if (expired * 4 <= sample || System.nanoTime() > deadlineNanos) {
                break;
            }
        }
        return deleted;
    }

    /** Deletes every expired key (used after a clock jump). @return how many */
    int expireAll() {
        long now = core.now();
        List<Entry> dead = new ArrayList<>();
        for (int i = 0; i < expCount; i++) {
            if (expiring[i].expireAt <= now) {
                dead.add(expiring[i]);
            }
        }
        for (Entry e : dead) {
            expireNow(e);
        }
        return dead.size();
    }

    /**
     * Visits the buckets of one SCAN step.
     *
     * @param cursor the cursor
     * @param count  roughly how many keys to visit
     * @param visit  receives each entry (possibly expired)
     * @return the next cursor, 0 when done
     */
    long scan(long cursor, long count, Consumer<Entry> visit) {
        Entry[] t = table;
        long mask = t.length - 1;
        long v = cursor;
        long visited = 0;
        int guard = 0;
        do {
            for (Entry e = t[(int) (v & mask)]; e != null; e = e.next) {
                visit.accept(e);
                visited++;
            }
            v |= ~mask;
            v = Long.reverse(v);
            v++;
            v = Long.reverse(v);
            guard++;
        } while (v != 0 && visited < count && guard < count * 10);
        return v;
    }

    /** Visits every entry (possibly expired). */
    void forEach(Consumer<Entry> visit) {
        for (Entry head : table) {
            for (Entry e = head; e != null; e = e.next) {
                visit.accept(e);
            }
        }
    }

    /** @return a random live key, or null */
    byte[] randomKey() {
        if (size == 0) {
            return null;
        }
        List<byte[]> keys = new ArrayList<>();
        forEach(e -> keys.add(e.key));
        return keys.get(ThreadLocalRandom.current().nextInt(keys.size()));
    }
}
