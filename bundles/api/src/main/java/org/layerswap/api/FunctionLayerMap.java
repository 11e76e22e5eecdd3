package org.layerswap.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which layers each function's root filesystem is built from: {@code functionId -> [layerId]},
 * ordered from the base (lowest) layer to the top. Immutable; updates return a new map so
 * readers on the invocation path never lock. Keeps the reverse index (layer -> functions) that
 * score combination and eviction need.
 */
public final class FunctionLayerMap {

    private static final FunctionLayerMap EMPTY = new FunctionLayerMap(Map.of());

    private final Map<String, List<LayerId>> layersByFunction;
    private final Map<LayerId, Set<String>> functionsByLayer;

    private FunctionLayerMap(Map<String, List<LayerId>> layersByFunction) {
        this.layersByFunction = layersByFunction;
        Map<LayerId, Set<String>> reverse = new HashMap<>();
        layersByFunction.forEach((fn, layers) -> layers.forEach(
                l -> reverse.computeIfAbsent(l, k -> new LinkedHashSet<>()).add(fn)));
        reverse.replaceAll((k, v) -> Collections.unmodifiableSet(v));
        this.functionsByLayer = Collections.unmodifiableMap(reverse);
    }

    public static FunctionLayerMap empty() {
        return EMPTY;
    }

    /** Builds a map from {@code functionId -> ordered layers}; rejects duplicates within one stack. */
    public static FunctionLayerMap of(Map<String, List<LayerId>> layersByFunction) {
        Map<String, List<LayerId>> copy = new LinkedHashMap<>();
        layersByFunction.forEach((fn, layers) -> copy.put(checkFunction(fn), checkStack(fn, layers)));
        return new FunctionLayerMap(Collections.unmodifiableMap(copy));
    }

    /** A copy with {@code functionId}'s stack replaced (or added). */
    public FunctionLayerMap with(String functionId, List<LayerId> layers) {
        Map<String, List<LayerId>> copy = new LinkedHashMap<>(layersByFunction);
        copy.put(checkFunction(functionId), checkStack(functionId, layers));
        return new FunctionLayerMap(Collections.unmodifiableMap(copy));
    }

    /** A copy without {@code functionId}. */
    public FunctionLayerMap without(String functionId) {
        if (!layersByFunction.containsKey(functionId)) {
            return this;
        }
        Map<String, List<LayerId>> copy = new LinkedHashMap<>(layersByFunction);
        copy.remove(functionId);
        return new FunctionLayerMap(Collections.unmodifiableMap(copy));
    }

    /** The function's layers, base first; empty when the function is unknown. */
    public List<LayerId> layersOf(String functionId) {
        return layersByFunction.getOrDefault(functionId, List.of());
    }

    public boolean contains(String functionId) {
        return layersByFunction.containsKey(functionId);
    }

    /** The functions whose stacks include {@code layer}. */
    public Set<String> functionsUsing(LayerId layer) {
        return functionsByLayer.getOrDefault(layer, Set.of());
    }

    public Set<String> functions() {
        return layersByFunction.keySet();
    }

    public Set<LayerId> layers() {
        return functionsByLayer.keySet();
    }

    public Map<String, List<LayerId>> asMap() {
        return layersByFunction;
    }

    public int size() {
        return layersByFunction.size();
    }

    private static String checkFunction(String functionId) {
        if (functionId == null || functionId.isBlank()) {
            throw new IllegalArgumentException("function layer map entry without a function id");
        }
        return functionId;
    }

    private static List<LayerId> checkStack(String functionId, List<LayerId> layers) {
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("function " + functionId + " has no layers");
        }
        Set<LayerId> seen = new LinkedHashSet<>();
        for (LayerId l : layers) {
            if (l == null) {
                throw new IllegalArgumentException("function " + functionId + " has a null layer");
            }
            if (!seen.add(l)) {
                throw new IllegalArgumentException("function " + functionId + " lists layer " + l + " twice");
            }
        }
        return Collections.unmodifiableList(new ArrayList<>(layers));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FunctionLayerMap m && m.layersByFunction.equals(layersByFunction);
    }

    @Override
    public int hashCode() {
        return layersByFunction.hashCode();
    }

    @Override
    public String toString() {
        return "FunctionLayerMap" + layersByFunction;
    }
}
