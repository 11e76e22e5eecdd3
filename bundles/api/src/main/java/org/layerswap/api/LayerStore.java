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

    /**
     * {@link #fetch} and {@link #acquire} as one step: completes with a lease on the layer (close it exactly once),
     * or exceptionally as {@code fetch} does. An implementation guarantees that no eviction takes the layer between
     * its becoming resident (or being found resident) and the lease: a {@link #fetch} followed by {@link #acquire}
     * leaves a window in which another fetch's room-making may evict it. Cancelling the returned future (or a
     * timeout completing it) gives the pin back: a lease taken after that is closed by the store, never leaked.
     * Since api 1.7. The default is that non-atomic sequence, retried once when {@code acquire} finds the layer gone
     * (for stores that cannot do better; {@code FileLayerStore} overrides it).
     */
    default CompletableFuture<LayerLease> fetchAndAcquire(String repository, LayerDescriptor layer, FetchPriority priority) {
        CompletableFuture<LayerLease> out = new CompletableFuture<>();
        fetch(repository, layer, priority).thenCompose(p -> {
            try {
                return CompletableFuture.completedFuture(acquire(layer.id()));
            } catch (IllegalStateException evictedMeanwhile) {
                return fetch(repository, layer, priority).thenApply(again -> acquire(layer.id()));
            }
        }).whenComplete((lease, e) -> {
            if (e != null) {
                out.completeExceptionally(e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e);
            } else if (!out.complete(lease)) {
                lease.close(); // the caller gave up (cancel, timeout) before the lease came: not leaked
            }
        });
        return out;
    }

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
