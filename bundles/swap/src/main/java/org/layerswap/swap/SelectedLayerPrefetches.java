package org.layerswap.swap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

import org.layerswap.api.LayerId;

/**
 * The prefetch rule for parameter-selected data layers (issue 13), ONE rule for the live {@code NextUsePlanner} and
 * the replay's {@code swap-manager} policy. The profiler's parameter model gives, after an invocation of function
 * {@code f}, the probability {@code p} that a run with those parameters uses data layer {@code l}
 * ({@code BehavioralProfiler.optionalLayers}). Right after the invocation has been observed (its prediction
 * refreshed), each layer with {@code p >= threshold} is tried once through {@link NextUsePlanning#tryPrefetch}
 * (credit, slots, and the admission against the eviction order and the node's churn, like a base layer), needed at
 * {@code f}'s median next use (not tried when nothing predicts one); one not admitted then is left to the on-demand path and the eviction order, which
 * ranks a data layer by its share of {@code f}'s runs ({@link #shiftMillis}, {@code SelectionCounts}).
 *
 * <p>Why at once and once: replay of the 14-day synthetic fleet (the traces with parameters; docs/replay.md,
 * session 7) against timing each candidate just in time for its function's next run shifted by {@code 1/p - 1} gaps
 * and retrying it every pass, with or without the shift, retried or once: at once and once had the fewest
 * critical-path fetches on seeds 1-3 and the least waste (seed 3: 12,985 vs 13,062-13,109).
 */
public final class SelectedLayerPrefetches {

    private SelectedLayerPrefetches() {
    }

    /**
     * Tries, at {@code now}, the data layers of {@code optional} used with probability at or above {@code threshold}
     * by {@code f}'s latest run (indexed by {@code index}; a negative index is skipped); call it after
     * {@link NextUsePlanning#afterObserve} of that run. Returns the ids of those layers (whether admitted or not).
     */
    public static List<LayerId> tryLikely(int f, Map<LayerId, Double> optional, double threshold,
                                          ToIntFunction<LayerId> index, NextUsePlanning planning, long now) {
        List<LayerId> likely = new ArrayList<>();
        long needAt = planning.medianOf(f);
        for (Map.Entry<LayerId, Double> e : optional.entrySet()) {
            double p = e.getValue();
            if (p >= threshold && p > 0 && p <= 1) {
                likely.add(e.getKey());
                int l = index.applyAsInt(e.getKey());
                if (l >= 0 && needAt != Long.MAX_VALUE) {
                    planning.tryPrefetch(l, f, needAt, now);
                }
            }
        }
        return likely;
    }

    /** How far a layer used with probability {@code p} is pushed back behind its function's next use: {@code (1/p - 1)} gaps. */
    static long shiftMillis(long gapMillis, double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("selection probability must be in (0,1], got " + p);
        }
        double shift = (1 / p - 1) * Math.max(1, gapMillis);
        return shift >= Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : (long) shift;
    }
}
