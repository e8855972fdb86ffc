package dev.distlock.embedded.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * A sorted set: members ordered by score, then by member bytes (unsigned), as Redis orders
 * them. A tree for order plus a hash for member lookup. Rank is O(n), enough for an embedded
 * test server. Single-threaded.
 */
final class ZSet {
    /** One member and its score. */
    record Item(double score, byte[] member) {
    }

    static int compare(Item a, Item b) {
        int c = Double.compare(a.score, b.score);
        if (a.score == b.score) {
            c = 0; // -0.0 == 0.0
        }
        return c != 0 ? c : Arrays.compareUnsigned(a.member, b.member);
    }

    private final TreeSet<Item> tree = new TreeSet<>(ZSet::compare);
    private final HashMap<Bytes, Double> scores = new HashMap<>();

    int size() {
        return scores.size();
    }

    Double score(byte[] member) {
        return scores.get(new Bytes(member));
    }

    /** Sets a member's score. @return true if the member is new */
    boolean put(byte[] member, double score) {
        Bytes k = new Bytes(member);
        Double old = scores.put(k, score);
        if (old != null) {
            tree.remove(new Item(old, member));
        }
        tree.add(new Item(score, member));
        return old == null;
    }

    boolean remove(byte[] member) {
        Double old = scores.remove(new Bytes(member));
        if (old == null) {
            return false;
        }
        tree.remove(new Item(old, member));
        return true;
    }

    /** @return the 0-based rank of the member by ascending order, or -1 */
    long rank(byte[] member) {
        Double s = score(member);
        if (s == null) {
            return -1;
        }
        return tree.headSet(new Item(s, member), false).size();
    }

    /** @return items in ascending order from index start to stop (inclusive, already clamped) */
    List<Item> range(int start, int stop, boolean reverse) {
        List<Item> out = new ArrayList<>(Math.max(0, stop - start + 1));
        Iterator<Item> it = reverse ? tree.descendingIterator() : tree.iterator();
        int i = 0;
        while (it.hasNext() && i <= stop) {
            Item x = it.next();
            if (i >= start) {
                out.add(x);
            }
            i++;
        }
        return out;
    }

    /** Items with min &lt;(=) score &lt;(=) max in ascending (or descending) order. */
    List<Item> byScore(double min, boolean minEx, double max, boolean maxEx, boolean reverse, long offset, long count) {
        List<Item> out = new ArrayList<>();
        if (min > max || (min == max && (minEx || maxEx))) {
            return out;
        }
        NavigableSet<Item> view = tree.tailSet(new Item(min, new byte[0]), true);
        Iterator<Item> it = reverse ? tree.descendingIterator() : view.iterator();
        long skipped = 0;
        while (it.hasNext()) {
            Item x = it.next();
            boolean aboveMin = minEx ? x.score > min : x.score >= min;
            boolean belowMax = maxEx ? x.score < max : x.score <= max;
            if (reverse) {
                if (!belowMax) {
                    continue;
                }
                if (!aboveMin) {
                    break;
                }
            } else {
                if (!aboveMin) {
                    continue;
                }
                if (!belowMax) {
                    break;
                }
            }
            if (skipped < offset) {
                skipped++;
                continue;
            }
            if (count >= 0 && out.size() >= count) {
                break;
            }
            out.add(x);
        }
        return out;
    }

    Iterable<Item> items() {
        return tree;
    }
}
