package org.layerswap.containerd;

import java.util.Optional;

import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;
import org.layerswap.api.LayerStore;

/** Pins of the layer store's unpacked layers that committed snapshots are backed by. */
@FunctionalInterface
public interface StoreLayers {

    /** No store: every snapshot holds its own content. */
    StoreLayers NONE = id -> Optional.empty();

    /** A lease on {@code id} when the store holds it now; empty otherwise. */
    Optional<LayerLease> lease(LayerId id);

    /** Over LayerSwap's store: a resident layer is pinned; one evicted meanwhile counts as absent. */
    static StoreLayers of(LayerStore store) {
        return id -> {
            if (!store.isResident(id)) {
                return Optional.empty();
            }
            try {
                return Optional.of(store.acquire(id));
            } catch (IllegalStateException evictedMeanwhile) {
                return Optional.empty();
            }
        };
    }
}
