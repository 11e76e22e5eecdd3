package org.layerswap.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The default {@link LayerStore#fetchAndAcquire} of stores that do not override it: fetch, then acquire. */
class LayerStoreDefaultsTest {

    static final LayerDescriptor LAYER = new LayerDescriptor(LayerId.of("sha256:" + "b".repeat(64)), 10, "application/vnd.oci.image.layer.v1.tar");

    /** Fetches complete when the test says; acquire fails while {@code gone} is positive (counting down). */
    static final class Store implements LayerStore {
        final List<CompletableFuture<Path>> fetches = new ArrayList<>();
        final AtomicInteger gone = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();

        @Override
        public CompletableFuture<Path> fetch(String repository, LayerDescriptor layer, FetchPriority priority) {
            CompletableFuture<Path> f = new CompletableFuture<>();
            fetches.add(f);
            return f;
        }

        @Override
        public LayerLease acquire(LayerId id) {
            if (gone.getAndDecrement() > 0) {
                throw new IllegalStateException("layer " + id + " is not resident");
            }
            open.incrementAndGet();
            return new LayerLease() {
                @Override
                public LayerId id() {
                    return id;
                }

                @Override
                public Path path() {
                    return Path.of("/l");
                }

                @Override
                public void close() {
                    open.decrementAndGet();
                }
            };
        }

        @Override
        public boolean isResident(LayerId id) {
            return false;
        }

        @Override
        public Optional<Path> path(LayerId id) {
            return Optional.empty();
        }

        @Override
        public boolean evict(LayerId id) {
            return false;
        }

        @Override
        public List<ResidentLayer> resident() {
            return List.of();
        }

        @Override
        public LayerStoreStats stats() {
            return null;
        }
    }

    final Store store = new Store();

    @Test
    void aFetchedLayerIsAcquiredAndALayerGoneMeanwhileIsFetchedOnceMore() {
        store.gone.set(1);
        CompletableFuture<LayerLease> f = store.fetchAndAcquire("r", LAYER, FetchPriority.ON_DEMAND);
        store.fetches.get(0).complete(Path.of("/l"));
        assertEquals(2, store.fetches.size());
        store.fetches.get(1).complete(Path.of("/l"));
        assertEquals(LAYER.id(), f.join().id());
        assertEquals(1, store.open.get());
    }

    @Test
    void aFailedFetchFailsWithItsOwnError() {
        CompletableFuture<LayerLease> f = store.fetchAndAcquire("r", LAYER, FetchPriority.ON_DEMAND);
        IllegalStateException why = new IllegalStateException("layer b: digest mismatch");
        store.fetches.get(0).completeExceptionally(why);
        assertSame(why, assertThrows(CompletionException.class, f::join).getCause());
    }

    @Test
    void aLeaseTakenAfterTheCallerGaveUpIsClosed() {
        CompletableFuture<LayerLease> f = store.fetchAndAcquire("r", LAYER, FetchPriority.ON_DEMAND);
        assertTrue(f.cancel(false));
        store.fetches.get(0).complete(Path.of("/l"));
        assertEquals(0, store.open.get(), "no pin left behind");
    }
}
