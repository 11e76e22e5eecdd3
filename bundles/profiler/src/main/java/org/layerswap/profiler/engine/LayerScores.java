package org.layerswap.profiler.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;

/**
 * The layer side of scoring: which layers each scored function contributes to (its stack from the
 * function-layer map with weight 1, then the optional layers its parameter model expects for its latest
 * parameters), and per layer the noisy-or {@code 1 - prod_f (1 - p_f * w_fl)}, kept as a sum of logs so
 * that one function's new probability updates each of its layers in O(1).
 *
 * <p><b>Invariants</b> (under the engine lock; nothing here is thread-safe):
 * <ul>
 *   <li>for every node and i, {@code applied[i] = log1p(-min(prob * weights[i], MAX_CONTRIBUTION))} is
 *       included exactly once in {@code layers[i].logSum}; {@link #rescoreAll} rebuilds every sum
 *       exactly, so incremental drift never outlives a full rescore;</li>
 *   <li>a layer's {@code refs} counts the nodes bound to it; a layer with no refs reads as absent and
 *       leaves the map once its last change was delivered (or at once when nothing is pending);</li>
 *   <li>a node exists exactly for the functions in the layer map and those with a parameter model, and
 *       a node and its function's stats point at each other ({@code score}/{@code stats}).</li>
 * </ul>
 */
final class LayerScores {

    /** Caps one function's contribution so that log1p stays finite. */
    static final double MAX_CONTRIBUTION = 1.0 - 1e-12;
    /** Orders layers worst first: lower score, then (for equal scores) higher layer id. */
    private static final Comparator<LayerState> WORST_FIRST = (a, b) -> {
        int c = Double.compare(a.score, b.score);
        return c != 0 ? c : b.id.compareTo(a.id);
    };

    private final ScoreNotifier notifier;
    private final Probability probability;
    private final HashMap<String, FunctionScore> scoring = new HashMap<>();
    private final HashMap<LayerId, LayerState> layers = new HashMap<>();
    private FunctionLayerMap layerMap = FunctionLayerMap.empty();

    /** The active predictor's answer for a function (the engine's, with its fallback on failure). */
    interface Probability {
        double of(String functionId, long nowMillis);
    }

    LayerScores(ScoreNotifier notifier, Probability probability) {
        this.notifier = notifier;
        this.probability = probability;
    }

    FunctionLayerMap layerMap() {
        return layerMap;
    }

    // ------------------------------------------------------------------ nodes

    /** Links a newly created profile to the node already waiting for it (a mapped function seen first). */
    void linkNew(FunctionStats f) {
        FunctionScore sc = scoring.get(f.id);
        if (sc != null) {
            sc.stats = f;
            f.score = sc;
        }
    }

    /** The node of {@code f}, created (unbound) when it has none. */
    FunctionScore nodeOf(FunctionStats f) {
        FunctionScore sc = f.score;
        if (sc == null) {
            sc = new FunctionScore(f.id);
            sc.stats = f;
            f.score = sc;
            scoring.put(f.id, sc);
        }
        return sc;
    }

    /** Replaces the function-layer map: nodes for its functions, none for unmapped ones without a parameter model. */
    void setLayerMap(FunctionLayerMap map, Map<String, FunctionStats> stats) {
        layerMap = map;
        dropUnscored();
        for (String fn : map.functions()) {
            if (!scoring.containsKey(fn)) {
                FunctionScore sc = new FunctionScore(fn);
                FunctionStats f = stats.get(fn);
                if (f != null) {
                    sc.stats = f;
                    f.score = sc;
                }
                scoring.put(fn, sc);
            }
        }
        bindAll();
    }

    /** Before the profiles are replaced: no node points at the old ones. */
    void detachAll() {
        for (FunctionScore sc : scoring.values()) {
            sc.stats = null;
        }
    }

    /** After the profiles were replaced: re-links the nodes, adds parameter-model functions, rebinds. */
    void relink(Map<String, FunctionStats> stats) {
        for (FunctionScore sc : scoring.values()) {
            FunctionStats f = stats.get(sc.id);
            sc.stats = f;
            if (f != null) {
                f.score = sc;
            }
        }
        for (FunctionStats f : stats.values()) {
            if (f.params != null) {
                nodeOf(f);
            }
        }
        dropUnscored();
        bindAll();
    }

    /** Removes the node of a function whose profile is evicted (an unmapped one with a parameter model). */
    void drop(FunctionScore sc) {
        unbind(sc);
        scoring.remove(sc.id);
        if (sc.stats != null) {
            sc.stats.score = null;
        }
        sc.stats = null;
    }

    /** Drops the nodes of functions that have neither a stack nor a parameter model. */
    private void dropUnscored() {
        for (Iterator<FunctionScore> it = scoring.values().iterator(); it.hasNext(); ) {
            FunctionScore sc = it.next();
            if (!layerMap.contains(sc.id) && (sc.stats == null || sc.stats.params == null)) {
                if (sc.stats != null) {
                    sc.stats.score = null;
                }
                unbind(sc);
                it.remove();
            }
        }
    }

    private void bindAll() {
        for (FunctionScore sc : scoring.values()) {
            bindLayers(sc, false);
        }
    }

    /** Re-derives a function's layers and weights (stack, then optional layers from its last params). */
    void rebind(FunctionScore sc) {
        bindLayers(sc, true);
    }

    /** Removes a function's contributions from its layers. */
    private void unbind(FunctionScore sc) {
        for (int i = 0; i < sc.layers.length; i++) {
            LayerState l = sc.layers[i];
            l.logSum -= sc.applied[i];
            l.refs--;
            l.refresh(l.time);
            notifier.markChanged(l);
        }
        sc.layers = FunctionScore.NO_LAYERS;
        sc.weights = FunctionScore.NO_DOUBLES;
        sc.applied = FunctionScore.NO_DOUBLES;
    }

    private void bindLayers(FunctionScore sc, boolean keepProbability) {
        unbind(sc);
        List<LayerId> stack = layerMap.layersOf(sc.id);
        Map<LayerId, Double> optional = sc.stats != null && sc.stats.params != null
                ? sc.stats.params.estimate(sc.stats.lastParams) : Map.of();
        int n = stack.size();
        for (LayerId l : optional.keySet()) {
            if (!stack.contains(l)) {
                n++;
            }
        }
        LayerState[] ls = new LayerState[n];
        double[] w = new double[n];
        int i = 0;
        for (LayerId l : stack) {
            ls[i] = layerState(l);
            w[i++] = 1.0;
        }
        for (Map.Entry<LayerId, Double> e : optional.entrySet()) {
            if (!stack.contains(e.getKey())) {
                ls[i] = layerState(e.getKey());
                w[i++] = e.getValue();
            }
        }
        sc.layers = ls;
        sc.weights = w;
        sc.applied = new double[n];
        sc.baseCount = stack.size();
        for (LayerState l : ls) {
            l.refs++;
        }
        if (keepProbability && sc.probTime >= 0) {
            apply(sc, sc.prob, sc.probTime);
        }
    }

    private LayerState layerState(LayerId id) {
        LayerState l = layers.get(id);
        if (l == null) {
            l = new LayerState(id);
            layers.put(id, l);
        }
        return l;
    }

    /** Called by the notifier for a delivered layer: gone for good when no function references it. */
    void delivered(LayerState l) {
        if (l.refs <= 0) {
            layers.remove(l.id);
        }
    }

    // ------------------------------------------------------------------ scoring

    /** Recomputes one function's probability and applies it to its layers; true when a layer changed. */
    boolean score(FunctionScore sc, long now) {
        return apply(sc, probability.of(sc.id, now), now);
    }

    private boolean apply(FunctionScore sc, double p, long now) {
        sc.prob = p;
        sc.probTime = now;
        boolean changed = false;
        LayerState[] ls = sc.layers;
        for (int i = 0; i < ls.length; i++) {
            double c = Math.log1p(-Math.min(p * sc.weights[i], MAX_CONTRIBUTION));
            double d = c - sc.applied[i];
            LayerState l = ls[i];
            if (d != 0) {
                l.logSum += d;
                sc.applied[i] = c;
            }
            l.refresh(now);
            changed |= notifier.markChanged(l);
        }
        return changed;
    }

    /** Every function's probability as of {@code now} and every layer's sum rebuilt exactly; true when a layer changed. */
    boolean rescoreAll(long now) {
        for (FunctionScore sc : scoring.values()) {
            sc.prob = probability.of(sc.id, now);
            sc.probTime = now;
        }
        for (LayerState l : layers.values()) {
            l.logSum = 0;
        }
        for (FunctionScore sc : scoring.values()) {
            for (int i = 0; i < sc.layers.length; i++) {
                double c = Math.log1p(-Math.min(sc.prob * sc.weights[i], MAX_CONTRIBUTION));
                sc.applied[i] = c;
                sc.layers[i].logSum += c;
            }
        }
        boolean changed = false;
        for (Iterator<LayerState> it = layers.values().iterator(); it.hasNext(); ) {
            LayerState l = it.next();
            l.refresh(now);
            if (l.refs <= 0) {
                l.score = 0;
                changed |= notifier.markChanged(l);
                if (!l.dirty) {
                    it.remove();
                }
                continue;
            }
            changed |= notifier.markChanged(l);
        }
        return changed;
    }

    // ------------------------------------------------------------------ reads

    Map<LayerId, PredictionScore> scores() {
        Map<LayerId, PredictionScore> out = new LinkedHashMap<>();
        for (LayerState l : layers.values()) {
            if (l.refs > 0) {
                out.put(l.id, new PredictionScore(l.id, l.score, l.time));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The k best layers without materialising every score: one pass over the layers with a bounded
     * min-heap (O(L log k)); ties broken by layer id so results are deterministic.
     */
    List<PredictionScore> topK(int k) {
        PriorityQueue<LayerState> heap = new PriorityQueue<>(Math.min(k, 1024) + 1, WORST_FIRST);
        for (LayerState l : layers.values()) {
            if (l.refs <= 0) {
                continue;
            }
            if (heap.size() < k) {
                heap.add(l);
            } else if (WORST_FIRST.compare(l, heap.peek()) > 0) {
                heap.poll();
                heap.add(l);
            }
        }
        LayerState[] best = heap.toArray(new LayerState[0]);
        Arrays.sort(best, WORST_FIRST.reversed());
        List<PredictionScore> out = new ArrayList<>(best.length);
        for (LayerState l : best) {
            out.add(new PredictionScore(l.id, l.score, l.time));
        }
        return Collections.unmodifiableList(out);
    }

    Optional<PredictionScore> score(LayerId layer) {
        LayerState l = layers.get(layer);
        return l == null || l.refs <= 0 ? Optional.empty() : Optional.of(new PredictionScore(l.id, l.score, l.time));
    }
}
