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

    /** A store whose fetches complete as the test says: by default at once. */
    static final class Store implements LayerStore {
        final List<LayerId> fetched = new ArrayList<>();
        RuntimeException failWith;

        @Override
        public synchronized CompletableFuture<Path> fetch(String repository, LayerDescriptor layer, FetchPriority priority) {
            fetched.add(layer.id());
            return failWith == null ? CompletableFuture.completedFuture(Path.of("/layers", layer.id().digest()))
                    : CompletableFuture.failedFuture(failWith);
        }

        @Override
        public boolean isResident(LayerId id) {
            return fetched.contains(id);
        }

        @Override
        public Optional<Path> path(LayerId id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LayerLease acquire(LayerId id) {
            throw new UnsupportedOperationException();
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
    static final class Registry implements SnapshotRegistry {
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
