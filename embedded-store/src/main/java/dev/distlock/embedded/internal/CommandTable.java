package dev.distlock.embedded.internal;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Case-insensitive lookup of commands by their name bytes, without allocating. */
final class CommandTable {
    private final Map<String, Command> byName = new LinkedHashMap<>();
    /** Open-addressing table by name; null until the first lookup after an {@link #add}. */
    private Command[] slots;
    private byte[][] slotNames = new byte[0][];

    Command add(String name, int arity, int flags, int first, int last, int step, Command.Handler handler) {
        Command c = new Command(name, name, arity, flags, first, last, step, handler, null);
        byName.put(name, c);
        slots = null;
        return c;
    }

    Command get(String lowerName) {
        return byName.get(lowerName);
    }

    Collection<Command> all() {
        return byName.values();
    }

    /** Builds the lookup table now (after the last {@link #add}), so that lookups only read it. */
    void seal() {
        if (slots == null) {
            rebuild();
        }
    }

    private Command[] rebuild() {
        int n = Integer.highestOneBit(Math.max(4, byName.size() * 4 - 1)) << 1;
        Command[] s = new Command[n];
        byte[][] names = new byte[n][];
        for (Command c : byName.values()) {
            byte[] nb = c.name.getBytes(StandardCharsets.US_ASCII);
            int i = hash(nb) & (n - 1);
            while (s[i] != null) {
                i = (i + 1) & (n - 1);
            }
            s[i] = c;
            names[i] = nb;
        }
        slotNames = names;
        slots = s;
        return s;
    }

    private static int hash(byte[] name) {
        int h = 0;
        for (byte b : name) {
            int c = b;
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            h = h * 31 + c;
        }
        return h ^ (h >>> 15);
    }

    /** @return the command named (in any case) by {@code name}, or null */
    Command lookup(byte[] name) {
        if (name.length > 32) {
            return null;
        }
        Command[] s = slots;
        if (s == null) {
            s = rebuild();
        }
        int mask = s.length - 1;
        int i = hash(name) & mask;
        while (true) {
            Command c = s[i];
            if (c == null) {
                return null;
            }
            if (equalsLower(slotNames[i], name)) {
                return c;
            }
            i = (i + 1) & mask;
        }
    }

    private static boolean equalsLower(byte[] lower, byte[] b) {
        if (lower.length != b.length) {
            return false;
        }
        for (int i = 0; i < b.length; i++) {
            int c = b[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower[i]) {
                return false;
            }
        }
        return true;
    }
}
