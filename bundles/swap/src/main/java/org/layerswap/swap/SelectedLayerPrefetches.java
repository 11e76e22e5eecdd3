package org.layerswap.swap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

import org.layerswap.api.LayerId;

/**
 * Just-in-time timing for the live node's parameter-selected data layers (issue 13). The profiler's parameter model
 * gives, after an invocation of function {@code f}, the probability {@code p} that a run with those parameters uses
 * data layer {@code l} ({@code BehavioralProfiler.optionalLayers}); the layer is needed when {@code f} runs next,
 * weighted by {@code p}: on average the {@code 1/p}-th next run selects it, so
 * <pre>
 *   need(l)  = median(f)   + (1/p - 1) * gap(f)        gap(f) = median(f) - lastSeen(f)
 *   start(l) = JustInTimePrefetchPlanner.startMillis(earliest(f) + (1/p - 1) * gap(f), fetch(l), interval)
 * </pre>
 * (the replay's {@link NextUsePlanning#tick} pushes a data layer's next use back by the same {@code 1/share - 1}
 * gaps). A due layer goes through {@link NextUsePlanning#tryPrefetch} (credit, slots, admission against the eviction
 * order, like a base layer); one not due yet is reported to {@code wake} with its start.
 *
 * <p>Invariants: per function only the candidates of its latest invocation with parameters are kept, each with
 * {@code threshold <= p <= 1}; not thread-safe: the planner thread alone uses it.
 */
final class SelectedLayerPrefetches {

    /** Where a function's candidate becomes due later: the planner's calendar. */
    @FunctionalInterface
    interface Wake {
        void at(int f, long startMillis);
    }

    private int[][] layers = new int[0][];
    private double[][] probabilities = new double[0][];

    /**
     * The data layers of {@code f}'s latest invocation used with probability at or above {@code threshold} (of
     * {@code optional}) become its candidates, indexed by {@code index}; returns their ids.
     */
    List<LayerId> offer(int f, Map<LayerId, Double> optional, double threshold, ToIntFunction<LayerId> index) {
        int n = 0;
        int[] ls = new int[optional.size()];
        double[] ps = new double[optional.size()];
        List<LayerId> likely = new ArrayList<>();
        for (Map.Entry<LayerId, Double> e : optional.entrySet()) {
            double p = e.getValue();
            if (p >= threshold && p > 0 && p <= 1) {
                ls[n] = index.applyAsInt(e.getKey());
                ps[n++] = p;
                likely.add(e.getKey());
            }
        }
        offer(f, Arrays.copyOf(ls, n), Arrays.copyOf(ps, n));
        return likely;
    }

    private void offer(int f, int[] ls, double[] ps) {
        if (f >= layers.length) {
            layers = Arrays.copyOf(layers, Math.max(f + 1, layers.length * 2));
            probabilities = Arrays.copyOf(probabilities, layers.length);
        }
        layers[f] = ls.length == 0 ? null : ls;
        probabilities[f] = ls.length == 0 ? null : ps;
    }

    /** How far a layer used with probability {@code p} is pushed back behind its function's next use: {@code (1/p - 1)} gaps. */
    static long shiftMillis(long gapMillis, double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("selection probability must be in (0,1], got " + p);
        }
        double shift = (1 / p - 1) * Math.max(1, gapMillis);
        return shift >= Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : (long) shift;
    }

    /** Plans {@code f}'s candidates at {@code now} (after the planning refreshed {@code f}'s prediction). */
    void plan(int f, long now, NextUsePlanning planning, NextUsePlanning.Node node, NextUsePlanning.Source source,
              long intervalMillis, Wake wake) {
        int[] ls = f < layers.length ? layers[f] : null;
        if (ls == null) {
            return;
        }
        long median = planning.medianOf(f);
        long earliest = planning.earliestOf(f);
        long last = source.lastSeen(f);
        if (median == Long.MAX_VALUE || earliest == Long.MAX_VALUE || last == Long.MIN_VALUE || source.overdue(f, now)) {
            return; // no timing to derive: the next invocation re-plans
        }
        double[] ps = probabilities[f];
        for (int i = 0; i < ls.length; i++) {
            int l = ls[i];
            if (node.resident(l) || node.queued(l)) {
                continue;
            }
            long shift = shiftMillis(median - last, ps[i]);
            long start = planning.jit().startMillis(earliest + shift, node.fetchMillis(l), intervalMillis);
            if (now < start) {
                wake.at(f, start);
            } else {
                planning.tryPrefetch(l, f, median + shift, now);
            }
        }
    }

    /** Plans every function with candidates (a full pass). */
    void planAll(long now, NextUsePlanning planning, NextUsePlanning.Node node, NextUsePlanning.Source source,
                 long intervalMillis, Wake wake) {
        for (int f = 0; f < layers.length; f++) {
            if (layers[f] != null) {
                plan(f, now, planning, node, source, intervalMillis, wake);
            }
        }
    }
}
