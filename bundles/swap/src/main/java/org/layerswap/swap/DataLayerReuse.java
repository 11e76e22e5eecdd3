package org.layerswap.swap;

import java.util.Arrays;

import org.layerswap.nextuse.NextUseModel;

/**
 * When a parameter-selected (data) layer is needed next, learned from the layer's own reuse gaps (issue 13): each
 * use of a data layer, by any function, is one observation of a {@link NextUseModel} indexed by the layer, so the
 * layer's next use is the conditional median of the gaps between its uses that are longer than its current idle
 * time, exactly as for a function. It captures what the per-function share rule of {@link SelectionCounts} cannot:
 * that a layer several functions select is needed by whichever comes first, and that a function's selections are not
 * spread evenly over its runs. Nothing is fitted: every number comes from the uses seen so far.
 * <pre>
 *   next(l) = min(share rule, lastUse(l) + G_l(idle)[q = 0.5])   G_l: l's own reuse gaps longer than its idle time
 * </pre>
 * for a layer with at least {@link NextUseModel#MIN_OWN_GAPS} own gaps (fewer: the share rule alone); idle longer than
 * every gap it has shown (overdue), its own next use is now + idle time, the function model's LRU-like fallback.
 *
 * <p>Measured (docs/replay.md, issue 13): on the 14-day synthetic fleet, whose misses are almost all data layers
 * evicted before their next selection, critical-path invocations 5,949 to 5,009 (seed 1) and 4,449 to 3,629 (seed 2).
 * Invariant: {@code list[0, count)} holds every layer {@link #used} at least once, once. Not thread-safe: owned by
 * {@link NextUsePlanning}.
 */
final class DataLayerReuse {

    private final NextUseModel model = new NextUseModel();
    private boolean[] listed = new boolean[0];
    private int[] list = new int[8];
    private int count;

    /** Data layer {@code l} was used at {@code tMillis}. */
    void used(int l, long tMillis) {
        if (l >= listed.length) {
            listed = Arrays.copyOf(listed, Math.max(l + 1, listed.length * 2));
        }
        if (!listed[l]) {
            listed[l] = true;
            if (count == list.length) {
                list = Arrays.copyOf(list, count * 2);
            }
            list[count++] = l;
        }
        model.observe(l, tMillis);
    }

    /** Layer {@code l}'s own median next use at {@code now}, or {@code Long.MAX_VALUE} with too few own gaps. */
    long nextUse(int l, long now) {
        if (model.gapCount(l) < NextUseModel.MIN_OWN_GAPS) {
            return Long.MAX_VALUE;
        }
        return model.medianNextUse(l, now);
    }

    /** Lowers {@code next[l]} of every data layer seen to its own {@link #nextUse} at {@code now}. */
    void lowerNextUse(long now, long[] next) {
        for (int i = 0; i < count; i++) {
            int l = list[i];
            if (l < next.length) {
                next[l] = Math.min(next[l], nextUse(l, now));
            }
        }
    }

    /** Number of distinct data layers used so far. */
    int layers() {
        return count;
    }
}
