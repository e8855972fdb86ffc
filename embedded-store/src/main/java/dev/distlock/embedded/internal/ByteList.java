package dev.distlock.embedded.internal;

import java.util.Arrays;

/** A deque of byte strings with index access (a Redis list). Single-threaded. */
final class ByteList {
    private byte[][] items = new byte[8][];
    private int head;
    private int size;

    int size() {
        return size;
    }

    byte[] get(int i) {
        return items[(head + i) & (items.length - 1)];
    }

    void addFirst(byte[] v) {
        grow();
        head = (head - 1) & (items.length - 1);
        items[head] = v;
        size++;
    }

    void addLast(byte[] v) {
        grow();
        items[(head + size) & (items.length - 1)] = v;
        size++;
    }

    byte[] pollFirst() {
        if (size == 0) {
            return null;
        }
        byte[] v = items[head];
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        return v;
    }

    byte[] pollLast() {
        if (size == 0) {
            return null;
        }
        int i = (head + size - 1) & (items.length - 1);
        byte[] v = items[i];
        items[i] = null;
        size--;
        return v;
    }

    private void grow() {
        if (size < items.length) {
            return;
        }
        byte[][] n = new byte[items.length * 2][];
        for (int i = 0; i < size; i++) {
            n[i] = get(i);
        }
        items = n;
        head = 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            sb.append(i == 0 ? "" : ", ").append(Arrays.toString(get(i)));
        }
        return sb.append(']').toString();
    }
}
