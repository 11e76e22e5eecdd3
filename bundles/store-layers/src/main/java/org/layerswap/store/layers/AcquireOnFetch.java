package org.layerswap.store.layers;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;

/**
 * The store's {@code fetchAndAcquire}: a <i>claim</i> on the layer is taken before the fetch starts and turned into a
 * lease when the fetch completes, in one step under the store's lock (the store's pin calls {@link #pinned}). While a
 * layer is claimed ({@link #holds}) the store evicts no copy of it, so from the moment it becomes resident (or is found
 * resident) no other fetch's room-making can take it before the caller holds it.
 *
 * <p>Invariant (no leaked pin): every claim is given back exactly once: by the pin when it succeeds (the claim becomes
 * the lease), or here on every other end: the fetch failed (source error, digest mismatch, hostile layer, store
 * closed), the caller cancelled or timed out the returned future (its own fetch future is cancelled, the shared
 * download goes on for others), or the pin failed after the refetch. A lease whose caller gave up meanwhile is closed
 * here. A layer quarantined between its fetch and the pin (an acquire's tree check found it modified) is fetched and
 * verified again {@value #REFETCHES} time, still claimed. The claims are guarded by the store's lock object.
 */
final class AcquireOnFetch {

    /** The store's fetch. */
    @FunctionalInterface
    interface Fetch {
        CompletableFuture<Path> fetch(String repository, LayerDescriptor layer, FetchPriority priority);
    }

    /**
     * The store's pin of a claimed layer: pins the resident {@code id} and calls {@link #pinned} under the lock, in one
     * step; throws {@link IllegalStateException}, the claim still held, when the layer is not resident (quarantined).
     */
    @FunctionalInterface
    interface Pin {
        LayerLease pinClaimed(LayerId id);
    }

    /** Fetches after the first one failed to pin (the layer was quarantined meanwhile). */
    static final int REFETCHES = 1;

    private final Object lock;
    private final Fetch fetch;
    private final Pin pin;
    /** Claims not pinned yet per layer (guarded by {@link #lock}). */
    private final Map<LayerId, Integer> claims = new HashMap<>();

    /** {@code lock}: the one the store's evictions and pins hold. */
    AcquireOnFetch(Object lock, Fetch fetch, Pin pin) {
        this.lock = lock;
        this.fetch = fetch;
        this.pin = pin;
    }

    CompletableFuture<LayerLease> start(String repository, LayerDescriptor layer, FetchPriority priority) {
        CompletableFuture<LayerLease> out = new CompletableFuture<>();
        synchronized (lock) {
            claims.merge(layer.id(), 1, Integer::sum);
        }
        attempt(repository, layer, priority, out, REFETCHES);
        return out;
    }

    /** Whether {@code id} is claimed: the store must not evict it. Call under the lock (with the eviction's check). */
    boolean holds(LayerId id) {
        synchronized (lock) {
            return claims.containsKey(id);
        }
    }

    /** One claim on {@code id} became a pin: the store's pin calls this under the lock, in the step that pins. */
    void pinned(LayerId id) {
        release(id);
    }

    /** Claims not pinned nor given back yet (0 when no call is under way: none leaked). */
    int pending() {
        synchronized (lock) {
            return claims.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private void release(LayerId id) {
        synchronized (lock) {
            claims.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    private void attempt(String repository, LayerDescriptor layer, FetchPriority priority, CompletableFuture<LayerLease> out,
                         int refetchesLeft) {
        LayerId id = layer.id();
        CompletableFuture<Path> fetched;
        try {
            fetched = fetch.fetch(repository, layer, priority);
        } catch (RuntimeException e) {
            fetched = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Path> mine = fetched;
        out.whenComplete((l, e) -> {
            if (e != null) {
                mine.cancel(false); // the caller gave up: its own future only, the shared download goes on
            }
        });
        mine.whenComplete((p, e) -> {
            if (e != null) {
                release(id);
                out.completeExceptionally(unwrap(e));
                return;
            }
            if (out.isDone()) {
                release(id);
                return;
            }
            LayerLease lease;
            try {
                lease = pin.pinClaimed(id);
            } catch (IllegalStateException gone) {
                if (refetchesLeft > 0) {
                    attempt(repository, layer, priority, out, refetchesLeft - 1);
                } else {
                    release(id);
                    out.completeExceptionally(gone);
                }
                return;
            } catch (RuntimeException | Error ex) {
                release(id);
                out.completeExceptionally(ex);
                return;
            }
            if (!out.complete(lease)) {
                lease.close(); // cancelled or timed out while pinning
            }
        });
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
