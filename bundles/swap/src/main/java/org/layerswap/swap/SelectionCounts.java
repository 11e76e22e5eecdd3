package org.layerswap.swap;

import java.util.Arrays;

/**
 * Per function: which optional (data) layers its runs selected, how often, and out of how many runs; and what that
 * says about each such layer's next use. Invariant: a layer's count never exceeds its function's runs once both were
 * recorded for the same run, so a share is in (0, 1] (clamped, in case a selection is counted before its run).
 * Not thread-safe: owned by {@link NextUsePlanning}.
 */
final class SelectionCounts {

    private int[][] layers = new int[0][];
    private int[][] counts = new int[0][];
    private int[] sizes = new int[0];
    private int[] runs = new int[0];

    /** Grows to at least {@code functions}; counts are kept. */
    void resize(int functions) {
        if (functions > runs.length) {
            layers = Arrays.copyOf(layers, functions);
            counts = Arrays.copyOf(counts, functions);
            sizes = Arrays.copyOf(sizes, functions);
            runs = Arrays.copyOf(runs, functions);
        }
    }

    /** Function {@code f} ran once more. */
    void ran(int f) {
        runs[f]++;
    }

    /** Function {@code f}'s run selected optional layer {@code l}. */
    void selected(int f, int l) {
        int n = sizes[f];
        int[] ls = layers[f];
        for (int i = 0; i < n; i++) {
            if (ls[i] == l) {
                counts[f][i]++;
                return;
            }
        }
        if (ls == null || n == ls.length) {
            int cap = ls == null ? 4 : n * 2;
            layers[f] = ls = ls == null ? new int[cap] : Arrays.copyOf(ls, cap);
            counts[f] = counts[f] == null ? new int[cap] : Arrays.copyOf(counts[f], cap);
        }
        ls[n] = l;
        counts[f][n] = 1;
        sizes[f] = n + 1;
    }

    /**
     * Lowers {@code next[l]} of each layer {@code f} selected to {@code f}'s median next use pushed back by
     * {@link SelectedLayerPrefetches#shiftMillis} for the layer's share of {@code f}'s runs (the live planner times its
     * data-layer prefetches by the same rule). Nothing when {@code f} has no median.
     */
    void lowerNextUse(int f, long median, long lastSeen, long[] next) {
        int n = sizes[f];
        if (n == 0 || median == Long.MAX_VALUE) {
            return;
        }
        long gap = Math.max(1, median - lastSeen);
        for (int i = 0; i < n; i++) {
            double share = Math.min(1, (double) counts[f][i] / Math.max(1, runs[f]));
            long m = median + SelectedLayerPrefetches.shiftMillis(gap, share);
            int l = layers[f][i];
            next[l] = Math.min(next[l], m);
        }
    }
}
