package org.layerswap.swap;

import java.util.Arrays;

/**
 * Per-function prefetch feedback, learned online: a function keeps the right to have its layers
 * prefetched while the bytes prefetched for it that were used are at least the bytes that were
 * evicted unused ({@code wasted <= used}; a function with no outcome yet may try). This bounds the
 * node's wasted prefetch bytes by its used ones plus at most one wasted attempt per function, whatever
 * the trace: functions whose next use the model times well keep prefetching, the others fall back to
 * the eviction order alone. Dense function indexes; grows on demand.
 */
public final class PrefetchCredit {

    private long[] used;
    private long[] wasted;

    public PrefetchCredit(int functions) {
        used = new long[Math.max(1, functions)];
        wasted = new long[Math.max(1, functions)];
    }

    public boolean allows(int f) {
        return f >= used.length || wasted[f] <= used[f];
    }

    /** A layer prefetched for {@code f} was used. */
    public void used(int f, long bytes) {
        ensure(f);
        used[f] += bytes;
    }

    /** A layer prefetched for {@code f} was evicted (or dropped) unused. */
    public void wasted(int f, long bytes) {
        ensure(f);
        wasted[f] += bytes;
    }

    private void ensure(int f) {
        if (f >= used.length) {
            int n = Math.max(f + 1, used.length * 2);
            used = Arrays.copyOf(used, n);
            wasted = Arrays.copyOf(wasted, n);
        }
    }
}
