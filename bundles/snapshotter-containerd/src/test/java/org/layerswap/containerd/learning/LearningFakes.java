package org.layerswap.containerd.learning;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.layerswap.api.FetchPriority;
import org.layerswap.api.ImageConfig;
import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;
import org.layerswap.api.LayerStore;
import org.layerswap.api.LayerStoreStats;
import org.layerswap.api.ResidentLayer;

/** Hand-written fakes of the learning loop's collaborators (unit tests; the end-to-end test uses the real ones). */
final class LearningFakes {

    private LearningFakes() {
    }

    static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    static LayerDescriptor layer(char c) {
        return new LayerDescriptor(LayerId.of(digest(c)), 10, "application/vnd.oci.image.layer.v1.tar+gzip");
    }

    /** An image of two layers (a, b) with diff ids (1, 2). */
    static KnownImage image(String name) {
        return KnownImage.of(name, "fn", List.of(layer('a'), layer('b')), List.of(digest('1'), digest('2')));
    }

    /** A layer source that knows images by reference. */
    static final class Source implements LayerSource {
        final Map<String, ImageManifest> images = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        Source with(String ref, List<String> diffIds) {
            images.put(ref, new ImageManifest(ref, "fn", "sha256:" + "9".repeat(64), List.of(layer('a'), layer('b')),
                    ImageConfig.EMPTY.withDiffIds(diffIds)));
            return this;
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public ImageManifest resolve(String ref) throws LayerSourceException {
            asked.add(ref);
            ImageManifest m = images.get(ref);
            if (m == null) {
                throw new LayerSourceException("no image " + ref, false);
            }
            return m;
        }

        @Override
        public InputStream openBlob(String repository, LayerDescriptor layer, long offset) {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * A store whose fetches complete as the test says: by default at once. Pins are counted per layer; with
     * {@code evictAfterFetch} another fetch's room-making takes each layer right after its plain {@link #fetch}
     * completes unless it is pinned, while {@link #fetchAndAcquire} claims the layer before its fetch (as
     * {@code FileLayerStore} does), so it stays.
     */
    static final class Store implements LayerStore {
        final List<LayerId> fetched = new ArrayList<>();
        final java.util.Set<LayerId> resident = new java.util.HashSet<>();
        final Map<LayerId, Integer> pins = new HashMap<>();
        RuntimeException failWith;
        /** With {@code failWith}: only this layer's fetch fails (null: every one). */
        LayerId failing;
        /** When set, fetches complete when it does. */
        CompletableFuture<Path> gate;
        boolean evictAfterFetch;

        @Override
        public synchronized CompletableFuture<Path> fetch(String repository, LayerDescriptor layer, FetchPriority priority) {
            LayerId id = layer.id();
            fetched.add(id);
            if (failWith != null && (failing == null || failing.equals(id))) {
                return CompletableFuture.failedFuture(failWith);
            }
            CompletableFuture<Path> source = gate != null ? gate : CompletableFuture.completedFuture(Path.of("/layers", id.digest()));
            return source.thenApply(p -> {
                synchronized (this) {
                    resident.add(id);
                    if (evictAfterFetch && pins(id) == 0) {
                        resident.remove(id);
                    }
                }
                return p;
            });
        }

        /** The claim is taken before the fetch and becomes the lease; a failure or a cancel gives it back. */
        @Override
        public synchronized CompletableFuture<LayerLease> fetchAndAcquire(String repository, LayerDescriptor layer, FetchPriority priority) {
            LayerId id = layer.id();
            pins.merge(id, 1, Integer::sum);
            java.util.concurrent.atomic.AtomicBoolean claim = new java.util.concurrent.atomic.AtomicBoolean(true);
            CompletableFuture<LayerLease> out = new CompletableFuture<>();
            out.whenComplete((l, e) -> {
                if (out.isCancelled() && claim.compareAndSet(true, false)) {
                    unpin(id);
                }
            });
            fetch(repository, layer, priority).whenComplete((p, e) -> {
                if (!claim.compareAndSet(true, false)) {
                    return; // cancelled meanwhile: given back
                }
                if (e != null) {
                    unpin(id);
                    out.completeExceptionally(e);
                } else {
                    LayerLease l = lease(id);
                    if (!out.complete(l)) {
                        l.close();
                    }
                }
            });
            return out;
        }

        @Override
        public synchronized boolean isResident(LayerId id) {
            return resident.contains(id);
        }

        synchronized int pins(LayerId id) {
            return pins.getOrDefault(id, 0);
        }

        synchronized int pinsHeld() {
            return pins.values().stream().mapToInt(Integer::intValue).sum();
        }

        private synchronized void unpin(LayerId id) {
            pins.merge(id, -1, (a, b) -> a + b == 0 ? null : a + b);
        }

        private LayerLease lease(LayerId id) {
            java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
            return new LayerLease() {
                @Override
                public LayerId id() {
                    return id;
                }

                @Override
                public Path path() {
                    return Path.of("/layers", id.digest());
                }

                @Override
                public void close() {
                    if (!open.compareAndSet(true, false)) {
                        throw new IllegalStateException("lease on " + id + " closed twice");
                    }
                    unpin(id);
                }
            };
        }

        @Override
        public Optional<Path> path(LayerId id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public synchronized LayerLease acquire(LayerId id) {
            if (!resident.contains(id)) {
                throw new IllegalStateException("layer " + id + " is not resident");
            }
            pins.merge(id, 1, Integer::sum);
            return lease(id);
        }

        @Override
        public boolean evict(LayerId id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ResidentLayer> resident() {
            throw new UnsupportedOperationException();
        }

        @Override
        public LayerStoreStats stats() {
            throw new UnsupportedOperationException();
        }
    }

    /** containerd's side, recorded; commits answer {@code answer} (true: ALREADY_EXISTS). */
    static class Registry implements SnapshotRegistry {
        final List<String> calls = new ArrayList<>();
        boolean answer = true;

        @Override
        public synchronized void createLease(String namespace, String id, Instant expires) {
            calls.add("lease " + namespace + " " + id + " until " + expires.toEpochMilli());
        }

        @Override
        public synchronized void deleteLease(String namespace, String id) {
            calls.add("delete " + namespace + " " + id);
        }

        @Override
        public synchronized boolean commitByRef(String namespace, String lease, String key, String parent, String chainId) {
            calls.add("commit " + namespace + " " + lease + " [" + key + "] parent=" + parent + " ref=" + chainId);
            return answer;
        }
    }
}
