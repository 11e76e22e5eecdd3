package org.layerswap.swap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;

/**
 * The data layer bindings of every function: {@code fn -> param name (sorted) -> value -> binding}, and per function
 * the set of layers its bindings provide. Each function's entry is replaced as a whole on change, so readers (the
 * invocation path, {@link #withDataLayers}) never lock; writers ({@link #bind}, {@link #unbind}) are serialised by
 * the caller ({@link VariantRoots}, which retires the variants a change leaves without their layers). Invariant:
 * {@code layersOf(fn)} is exactly the union of {@code fn}'s bindings' layers; a function without bindings has no entry.
 */
final class DataLayerBindingTable {

    private final ConcurrentHashMap<String, Map<String, Map<String, DataLayerBinding>>> bindings = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<LayerId>> boundLayers = new ConcurrentHashMap<>();

    /** Adds or replaces the binding of {@code b.paramName()=b.paramValue()}. Caller serialises writers. */
    void bind(DataLayerBinding b) {
        Map<String, Map<String, DataLayerBinding>> next = copyOf(b.functionId());
        next.computeIfAbsent(b.paramName(), k -> new TreeMap<>()).put(b.paramValue(), b);
        install(b.functionId(), next);
    }

    /** Removes the binding of {@code param=value} of {@code fn}; returns it, or null when there was none. Caller serialises writers. */
    DataLayerBinding unbind(String fn, String param, String value) {
        Map<String, Map<String, DataLayerBinding>> current = bindings.get(fn);
        DataLayerBinding gone = current == null ? null : current.getOrDefault(param, Map.of()).get(value);
        if (gone != null) {
            Map<String, Map<String, DataLayerBinding>> next = copyOf(fn);
            next.get(param).remove(value);
            install(fn, next);
        }
        return gone;
    }

    private Map<String, Map<String, DataLayerBinding>> copyOf(String fn) {
        Map<String, Map<String, DataLayerBinding>> next = new TreeMap<>();
        bindings.getOrDefault(fn, Map.of()).forEach((p, vs) -> next.put(p, new TreeMap<>(vs)));
        return next;
    }

    /** Publishes {@code fn}'s new bindings (none: forgotten). */
    private void install(String fn, Map<String, Map<String, DataLayerBinding>> next) {
        next.values().removeIf(Map::isEmpty);
        if (next.isEmpty()) {
            bindings.remove(fn);
            boundLayers.remove(fn);
            return;
        }
        Set<LayerId> all = new HashSet<>();
        next.values().forEach(vs -> vs.values().forEach(x -> all.addAll(x.layerIds())));
        next.replaceAll((p, vs) -> Collections.unmodifiableMap(vs));
        bindings.put(fn, Collections.unmodifiableMap(next));
        boundLayers.put(fn, Set.copyOf(all));
    }

    /** The layers {@code fn}'s bindings provide (empty when it has none). */
    Set<LayerId> layersOf(String fn) {
        return boundLayers.getOrDefault(fn, Set.of());
    }

    /** {@code fn}'s bindings by parameter name and value (empty when none); unmodifiable. */
    Map<String, Map<String, DataLayerBinding>> of(String fn) {
        return bindings.getOrDefault(fn, Map.of());
    }

    /** Bindings of {@code functionId}, or of every function when null, by function, parameter and value. */
    List<DataLayerBinding> list(String functionId) {
        List<DataLayerBinding> out = new ArrayList<>();
        for (String fn : new TreeMap<>(bindings).keySet()) {
            if (functionId == null || functionId.equals(fn)) {
                of(fn).values().forEach(vs -> out.addAll(vs.values()));
            }
        }
        return out;
    }

    /** Whether any function binds layer {@code id}. */
    boolean isDataLayer(LayerId id) {
        for (Set<LayerId> s : boundLayers.values()) {
            if (s.contains(id)) {
                return true;
            }
        }
        return false;
    }

    /** The functions whose bindings provide layer {@code id}. */
    List<String> functionsBinding(LayerId id) {
        List<String> out = new ArrayList<>(1);
        boundLayers.forEach((fn, ls) -> {
            if (ls.contains(id)) {
                out.add(fn);
            }
        });
        return out;
    }

    /**
     * The invocation's stack: {@code own} with the data layers {@code params} select on top; {@code own} itself
     * (same instance) when they select none. Data layers already in {@code own} are not repeated.
     */
    List<LayerId> withDataLayers(String functionId, List<LayerId> own, Map<String, String> params) {
        Map<String, Map<String, DataLayerBinding>> byParam = bindings.get(functionId);
        if (byParam == null || params == null || params.isEmpty() || own.isEmpty()) {
            return own;
        }
        List<LayerId> out = null;
        for (Map.Entry<String, Map<String, DataLayerBinding>> e : byParam.entrySet()) {
            String value = params.get(e.getKey());
            DataLayerBinding b = value == null ? null : e.getValue().get(value);
            if (b == null) {
                continue;
            }
            for (LayerDescriptor d : b.layers()) { // the descriptors, not layerIds(): no stream per invocation
                LayerId l = d.id();
                if (!own.contains(l) && (out == null || !out.contains(l))) {
                    if (out == null) {
                        out = new ArrayList<>(own.size() + 2);
                        out.addAll(own);
                    }
                    out.add(l);
                }
            }
        }
        return out == null ? own : out;
    }
}
