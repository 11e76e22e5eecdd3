package org.layerswap.swap;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the swap manager knows about functions and layers: the function definitions, the {@link FunctionLayerMap}
 * (each function's current stack, base first), where every known layer is fetched from, and the
 * {@link CatalogListener}s told about definitions and data layer bindings.
 *
 * <p>Invariants: the map is replaced as a whole (readers never lock) and every new map is handed to the profiler
 * in the order the map changed (both under this catalog's lock); a layer's source, once known, is only replaced by
 * a new function definition naming it (a data layer binding never overrides one).
 */
final class LayerCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(LayerCatalog.class);

    private final BehavioralProfiler profiler;
    private final ConcurrentHashMap<LayerId, LayerRef> sources = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, FunctionDefinition> definitions = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<CatalogListener> listeners = new CopyOnWriteArrayList<>();
    private volatile FunctionLayerMap map = FunctionLayerMap.empty();

    LayerCatalog(BehavioralProfiler profiler) {
        this.profiler = Objects.requireNonNull(profiler, "profiler");
    }

    /** Records the definition and its layers' sources and makes its layers the function's stack; returns the new stack. */
    List<LayerId> define(FunctionDefinition def) {
        definitions.put(def.functionId(), def);
        List<LayerId> ids = new ArrayList<>(def.layers().size());
        for (LayerDescriptor d : def.layers()) {
            sources.put(d.id(), new LayerRef(def.repository(), d));
            ids.add(d.id());
        }
        synchronized (this) {
            map = map.with(def.functionId(), ids);
            profiler.updateFunctionLayers(map);
        }
        return ids;
    }

    /** Makes {@code layers} the stack of {@code fn} (after a swap), telling the profiler when it changed. */
    synchronized void setStack(String fn, List<LayerId> layers) {
        if (!layers.equals(map.layersOf(fn))) {
            map = map.with(fn, layers);
            profiler.updateFunctionLayers(map);
        }
    }

    void defineLayer(String repository, LayerDescriptor layer) {
        sources.put(layer.id(), new LayerRef(repository, layer));
    }

    /** Registers the binding's layers where their source is not known yet. */
    void registerBound(DataLayerBinding b) {
        for (LayerDescriptor d : b.layers()) {
            sources.putIfAbsent(d.id(), new LayerRef(b.repository(), d));
        }
    }

    /** What an operator's prefetch names: a function's stack, or one known layer (functionId ""). */
    record Target(String functionId, List<LayerId> layers) {
    }

    /**
     * Resolves a defined function's id or a known layer's digest.
     *
     * @throws IllegalArgumentException when it is neither (naming the defined functions) or the layer is unknown
     */
    Target resolve(String functionOrLayer) {
        FunctionLayerMap m = map;
        if (m.contains(functionOrLayer)) {
            return new Target(functionOrLayer, m.layersOf(functionOrLayer));
        }
        if (functionOrLayer != null && functionOrLayer.startsWith("sha")) {
            LayerId id = LayerId.of(functionOrLayer);
            if (!sources.containsKey(id)) {
                throw new IllegalArgumentException("layer " + id + " belongs to no defined function");
            }
            return new Target("", List.of(id));
        }
        throw new IllegalArgumentException("'" + functionOrLayer + "' is neither a defined function nor a layer digest; functions: "
                + functionNames());
    }

    /** @throws IllegalArgumentException naming the defined functions when {@code functionId} is not one */
    void requireFunction(String functionId) {
        if (!map.contains(functionId)) {
            throw new IllegalArgumentException("unknown function '" + functionId + "'; defined functions: " + functionNames());
        }
    }

    String functionNames() {
        return String.join(", ", new TreeSet<>(map.functions()));
    }

    FunctionLayerMap map() {
        return map;
    }

    List<LayerId> stackOf(String fn) {
        return map.layersOf(fn);
    }

    /** Where {@code id} is fetched from, or null when unknown. */
    LayerRef source(LayerId id) {
        return sources.get(id);
    }

    Optional<FunctionDefinition> function(String functionId) {
        return Optional.ofNullable(definitions.get(functionId));
    }

    void addListener(CatalogListener l) {
        listeners.add(l);
    }

    void removeListener(CatalogListener l) {
        listeners.remove(l);
    }

    /** Calls every listener; a failing listener is logged and does not stop the others. */
    void notifyListeners(Consumer<CatalogListener> call) {
        for (CatalogListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("function catalog listener failed: {}", e.toString());
            }
        }
    }
}
