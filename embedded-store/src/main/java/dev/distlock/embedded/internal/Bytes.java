package dev.distlock.embedded.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** An immutable byte string usable as a hash key (hash fields, channels, watched keys). */
final class Bytes implements Comparable<Bytes> {
    final byte[] b;
    private final int hash;

    Bytes(byte[] b) {
        this.b = b;
        this.hash = Arrays.hashCode(b);
    }

    static Bytes of(String s) {
        return new Bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && other.hash == hash && Arrays.equals(other.b, b);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(Bytes o) {
        return Arrays.compareUnsigned(b, o.b);
    }

    @Override
    public String toString() {
        return new String(b, StandardCharsets.UTF_8);
    }
}
