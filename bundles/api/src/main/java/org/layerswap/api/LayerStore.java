package org.layerswap.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Content-addressed store of unpacked layers with a storage budget. Fetches are deduplicated
 * (concurrent requests for one layer share one download) and prioritised ({@link FetchPriority}).
 */
public interface LayerStore {

    boolean isResident(LayerId id);

    /** The unpacked directory of a resident layer. */
    Optional<Path> path(LayerId id);

    /**
     * Makes the layer resident, pulling it from the configured source if needed. Completes with the
     * unpacked directory, or exceptionally with a message naming the layer and what went wrong.
     */
    CompletableFuture<Path> fetch(String repository, LayerDescriptor layer, FetchPriority priority);

    /** Pins a resident layer against eviction; fails with IllegalStateException when it is not resident. */
    LayerLease acquire(LayerId id);

    /** Evicts an unreferenced layer now; false when it is absent or in use. */
    boolean evict(LayerId id);

    List<ResidentLayer> resident();

    LayerStoreStats stats();

    /**
     * Lets a planner decide the store's own evictions (the room an on-demand fetch makes): among unreferenced
     * layers the one with the LARGEST {@code key} goes first (ties: least recently used). The swap manager's
     * next-use planning sets its eviction key here so the node has one eviction rule; {@code null} restores the
     * store's own order. Additive: ignored by default. The key is called on the store's threads: it must be
     * fast and thread-safe.
     */
    default void setEvictionOrder(java.util.function.ToDoubleFunction<LayerId> key) {
    }
}
