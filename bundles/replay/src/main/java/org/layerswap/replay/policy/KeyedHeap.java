package org.layerswap.replay.policy;

import java.util.Arrays;

/**
 * Binary min-heap of (double key, int id) with lazy invalidation: each push records the id's
 * current version; stale entries are skipped when they surface.
 */
final class KeyedHeap {
    private double[] keys = new double[64];
    private int[] ids = new int[64];
    private int[] vers = new int[64];
    private int size;
    private final int[] version;

    KeyedHeap(int n) {
        version = new int[n];
    }

    /** Invalidates older entries of {@code id} and pushes a new one. */
    void set(int id, double key) {
        int v = ++version[id];
        push(key, id, v);
    }

    /** Invalidates every entry of {@code id}. */
    void invalidate(int id) {
        version[id]++;
    }

    private void push(double key, int id, int v) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            ids = Arrays.copyOf(ids, size * 2);
            vers = Arrays.copyOf(vers, size * 2);
        }
        int k = size++;
        while (k > 0) {
            int p = (k - 1) >>> 1;
            if (keys[p] <= key) {
                break;
            }
            keys[k] = keys[p];
            ids[k] = ids[p];
            vers[k] = vers[p];
            k = p;
        }
        keys[k] = key;
        ids[k] = id;
        vers[k] = v;
    }

    private void dropTop() {
        size--;
        if (size == 0) {
            return;
        }
        double key = keys[size];
        int id = ids[size];
        int v = vers[size];
        int k = 0;
        int half = size >>> 1;
        while (k < half) {
            int c = 2 * k + 1;
            if (c + 1 < size && keys[c + 1] < keys[c]) {
                c++;
            }
            if (key <= keys[c]) {
                break;
            }
            keys[k] = keys[c];
            ids[k] = ids[c];
            vers[k] = vers[c];
            k = c;
        }
        keys[k] = key;
        ids[k] = id;
        vers[k] = v;
    }

    private void clean() {
        while (size > 0 && vers[0] != version[ids[0]]) {
            dropTop();
        }
    }

    boolean isEmpty() {
        clean();
        return size == 0;
    }

    /** Id of the valid minimum, or -1. */
    int peekId() {
        clean();
        return size == 0 ? -1 : ids[0];
    }

    double peekKey() {
        clean();
        return size == 0 ? Double.NaN : keys[0];
    }

    /** Removes and returns the valid minimum's id (its entries become invalid), or -1. */
    int poll() {
        clean();
        if (size == 0) {
            return -1;
        }
        int id = ids[0];
        version[id]++;
        dropTop();
        return id;
    }

    /** Current version of id (entries carrying it are valid). */
    int version(int id) {
        return version[id];
    }

    /** Pushes an entry back with the id's current version (re-inserting something polled aside). */
    void restore(int id, double key) {
        push(key, id, ++version[id]);
    }
}
