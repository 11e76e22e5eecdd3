package org.layerswap.replay.policy;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Binary min-heap of (double key, int id) with lazy invalidation: each push records the id's
 * current version; stale entries are skipped when they surface. {@link #findMin} is the victim search
 * the heap-ordered policies share (GDSF's lowest priority, the clairvoyant oracle's farthest need).
 */
final class KeyedHeap {
    private double[] keys = new double[64];
    private int[] ids = new int[64];
    private int[] vers = new int[64];
    private int size;
    private final int[] version;
    private int[] aside = new int[16];
    private double[] asideKey = new double[16];
    private double foundKey = Double.NaN;

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

    /**
     * The valid minimum among the ids that are {@code live} and {@code eligible}, left in the heap
     * (the caller may not evict it after all). Entries of ids that are not live are dropped on the
     * way; live but ineligible ones (e.g. pinned layers) are put back with their keys, before the
     * found one is re-pushed, so the heap's contents and its order of equal keys do not depend on
     * how often it is searched.
     *
     * @return the id, or -1 when there is none; its key is then {@link #foundKey()}
     */
    int findMin(IntPredicate live, IntPredicate eligible) {
        int n = 0;
        int found = -1;
        double key;
        while (true) {
            key = peekKey();
            int id = poll();
            if (id < 0) {
                break;
            }
            if (!live.test(id)) {
                continue;
            }
            if (!eligible.test(id)) {
                if (n == aside.length) {
                    aside = Arrays.copyOf(aside, n * 2);
                    asideKey = Arrays.copyOf(asideKey, n * 2);
                }
                aside[n] = id;
                asideKey[n++] = key;
                continue;
            }
            found = id;
            break;
        }
        for (int i = 0; i < n; i++) {
            restore(aside[i], asideKey[i]);
        }
        if (found >= 0) {
            restore(found, key);
        }
        foundKey = key;
        return found;
    }

    /** The key of the id the last {@link #findMin} found (NaN when it found none). */
    double foundKey() {
        return foundKey;
    }
}
