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
}
