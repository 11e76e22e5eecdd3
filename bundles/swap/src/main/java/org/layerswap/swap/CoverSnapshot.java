package org.layerswap.swap;

import java.util.Arrays;

/**
 * The evictable part of the node's eviction order at one instant (issue 13): every unpinned resident layer's key and
 * size, so {@link PrefetchSurvival} can ask, for many keys, how many bytes rank above one without a ranking pass each.
 * Filled by {@link EvictionRanking#cover} ({@link #clear}, {@link #add}s, {@link #seal}); a query is then a binary
 * search. Keys are compared in float precision (positive keys: their float bits order as the keys do), which is ample
 * for "how many bytes would go first". Not thread-safe (the planning's thread).
 */
final class CoverSnapshot {

    /** Float bits of the key (high half) and the layer's slot (low half), sorted ascending by {@link #seal}. */
    private long[] packed = new long[64];
    private long[] sizes = new long[64];
    /** above[i]: bytes of the slots at sorted positions i..count-1 (the keys at least the i-th smallest). */
    private long[] above = new long[65];
    private float[] sortedKeys = new float[64];
    private int count;

    void clear() {
        count = 0;
    }

    /** One evictable layer's key (at least 0) and size. */
    void add(double key, long size) {
        if (count == packed.length) {
            packed = Arrays.copyOf(packed, count * 2);
            sizes = Arrays.copyOf(sizes, count * 2);
        }
        packed[count] = (long) Float.floatToIntBits((float) Math.max(0, key)) << 32 | count;
        sizes[count++] = size;
    }

    /** Sorts what was added; queries need it. */
    void seal() {
        Arrays.sort(packed, 0, count);
        if (above.length < count + 1) {
            above = new long[packed.length + 1];
            sortedKeys = new float[packed.length];
        }
        above[count] = 0;
        for (int i = count - 1; i >= 0; i--) {
            above[i] = above[i + 1] + sizes[(int) packed[i]];
            sortedKeys[i] = Float.intBitsToFloat((int) (packed[i] >>> 32));
        }
    }

    int size() {
        return count;
    }

    /** Bytes of the layers whose key exceeds {@code key}: a layer with that key would be evicted after all of them. */
    long bytesAbove(double key) {
        float k = (float) key;
        int lo = 0;
        int hi = count; // first position whose key exceeds k
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sortedKeys[mid] > k) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return above[lo];
    }
}
