package org.layerswap.profiler.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.layerswap.api.LayerId;

/**
 * Per-function model of which parameter values select which optional layers, learned from observed
 * layer access ({@code recordLayerAccess}). For every {@code key=value} it counts the accesses that
 * carried it and, per layer, how many of those used the layer. The estimate for a parameter set takes,
 * per layer, the most decisive of its parameters (the one whose smoothed conditional frequency departs
 * most from the layer's marginal frequency); without a known parameter the marginal is used.
 *
 * <p>Bounded: at most {@link #MAX_VALUES} distinct {@code key=value} pairs and {@link #MAX_LAYERS}
 * layers per function; new ones beyond that are not tracked (their marginal still is).
 */
public final class ParameterModel {

    static final int MAX_VALUES = 512;
    static final int MAX_LAYERS = 64;
    /** Laplace-style pseudo-count pulling conditional estimates towards the marginal. */
    static final double PRIOR = 1.0;

    double accesses;
    final Map<LayerId, double[]> layerCounts = new LinkedHashMap<>();
    final Map<String, ValueStats> values = new HashMap<>();

    static final class ValueStats {
        double n;
        final Map<LayerId, double[]> layers = new HashMap<>();
    }

    void record(Map<String, String> params, Collection<LayerId> used) {
        accesses++;
        for (LayerId l : used) {
            double[] c = layerCounts.get(l);
            if (c == null) {
                if (layerCounts.size() >= MAX_LAYERS) {
                    continue;
                }
                c = new double[1];
                layerCounts.put(l, c);
            }
            c[0]++;
        }
        for (Map.Entry<String, String> e : params.entrySet()) {
            String key = e.getKey() + '=' + e.getValue();
            ValueStats v = values.get(key);
            if (v == null) {
                if (values.size() >= MAX_VALUES) {
                    continue;
                }
                v = new ValueStats();
                values.put(key, v);
            }
            v.n++;
            for (LayerId l : used) {
                if (layerCounts.containsKey(l)) {
                    v.layers.computeIfAbsent(l, k -> new double[1])[0]++;
                }
            }
        }
    }

    /** Every layer ever accessed, with the probability that an invocation with {@code params} uses it. */
    Map<LayerId, Double> estimate(Map<String, String> params) {
        Map<LayerId, Double> out = new LinkedHashMap<>();
        if (accesses <= 0) {
            return out;
        }
        for (Map.Entry<LayerId, double[]> lc : layerCounts.entrySet()) {
            LayerId layer = lc.getKey();
            double marginal = lc.getValue()[0] / accesses;
            double best = marginal;
            double bestDeparture = -1;
            for (Map.Entry<String, String> e : params.entrySet()) {
                ValueStats v = values.get(e.getKey() + '=' + e.getValue());
                if (v == null || v.n <= 0) {
                    continue;
                }
                double[] hit = v.layers.get(layer);
                double est = ((hit == null ? 0 : hit[0]) + PRIOR * marginal) / (v.n + PRIOR);
                double departure = Math.abs(est - marginal);
                if (departure > bestDeparture) {
                    bestDeparture = departure;
                    best = est;
                }
            }
            out.put(layer, Math.min(1.0, Math.max(0.0, best)));
        }
        return out;
    }

    /** The snapshot form (layer keys as digests). */
    ProfileSnapshot.ParamState toState() {
        Map<String, Double> lc = new LinkedHashMap<>();
        layerCounts.forEach((l, c) -> lc.put(l.digest(), c[0]));
        List<ProfileSnapshot.ValueState> vs = new ArrayList<>();
        values.forEach((kv, v) -> {
            Map<String, Double> m = new LinkedHashMap<>();
            v.layers.forEach((l, c) -> m.put(l.digest(), c[0]));
            vs.add(new ProfileSnapshot.ValueState(kv, v.n, m));
        });
        return new ProfileSnapshot.ParamState(accesses, lc, vs);
    }

    static ParameterModel fromState(ProfileSnapshot.ParamState s) {
        ParameterModel pm = new ParameterModel();
        pm.accesses = s.accesses();
        s.layerCounts().forEach((d, c) -> pm.layerCounts.put(LayerId.of(d), new double[] {c}));
        for (ProfileSnapshot.ValueState v : s.values()) {
            ValueStats vs = new ValueStats();
            vs.n = v.n();
            v.layerCounts().forEach((d, c) -> vs.layers.put(LayerId.of(d), new double[] {c}));
            pm.values.put(v.keyValue(), vs);
        }
        return pm;
    }
}
