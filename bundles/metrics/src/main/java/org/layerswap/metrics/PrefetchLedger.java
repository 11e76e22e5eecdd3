package org.layerswap.metrics;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

import org.layerswap.api.LayerId;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Decides what became of each prefetched layer: <em>used</em> when an execution of a function that has the layer
 * ran while it was pending, <em>wasted</em> when it left the store ({@link #sweep}) before any did. Invariant: a
 * prefetch is counted at most once, used or wasted; a layer prefetched again after it was settled is a new prefetch.
 * Thread-safe.
 */
public final class PrefetchLedger {

    private final Function<String, List<LayerId>> layersOf;
    private final Predicate<LayerId> resident;
    /** Prefetched layers not settled yet, with their bytes. */
    private final Map<LayerId, Long> pending = new ConcurrentHashMap<>();
    private final Counter used;
    private final Counter usedBytes;
    private final Counter wasted;
    private final Counter wastedBytes;

    /**
     * @param layersOf the layers a function runs on (its image's layers), empty for an unknown function
     * @param resident whether a layer is in the layer store now
     */
    public PrefetchLedger(MeterRegistry registry, Function<String, List<LayerId>> layersOf, Predicate<LayerId> resident) {
        this.layersOf = layersOf;
        this.resident = resident;
        used = Counter.builder("layerswap.prefetches.used").description("Prefetched layers an execution then ran on").register(registry);
        usedBytes = Counter.builder("layerswap.prefetch.used").baseUnit("bytes").description("Bytes of prefetched layers used")
                .register(registry);
        wasted = Counter.builder("layerswap.prefetches.wasted").description("Prefetched layers that left the store unused")
                .register(registry);
        wastedBytes = Counter.builder("layerswap.prefetch.wasted").baseUnit("bytes")
                .description("Bytes of prefetched layers that left the store unused").register(registry);
    }

    /** A prefetch of {@code layer} ({@code bytes}) finished and the layer is resident. */
    public void prefetched(LayerId layer, long bytes) {
        pending.put(layer, bytes);
    }

    /** An execution of {@code functionId} ran; {@code alsoUsed}: layers it fetched besides its function's own. */
    public void used(String functionId, Collection<LayerId> alsoUsed) {
        if (pending.isEmpty()) {
            return;
        }
        for (LayerId l : layersOf.apply(functionId)) {
            settleUsed(l);
        }
        for (LayerId l : alsoUsed) {
            settleUsed(l);
        }
    }

    /** Counts pending layers that are no longer resident as wasted. */
    public void sweep() {
        for (LayerId l : List.copyOf(pending.keySet())) {
            if (!resident.test(l)) {
                Long bytes = pending.remove(l);
                if (bytes != null) {
                    wasted.increment();
                    wastedBytes.increment(bytes);
                }
            }
        }
    }

    /** Prefetched layers neither used nor gone yet. */
    public int pending() {
        return pending.size();
    }

    private void settleUsed(LayerId l) {
        Long bytes = pending.remove(l);
        if (bytes != null) {
            used.increment();
            usedBytes.increment(bytes);
        }
    }
}
