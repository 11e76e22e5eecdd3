package org.layerswap.containerd;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.layerswap.api.LayerId;

/**
 * The remote-snapshotter handshake (as stargz and SOCI do it): containerd's unpacker prepares each layer's
 * snapshot with the label {@value #TARGET} naming the layer's chain id. When LayerSwap knows which layer that
 * is (by chain id through the {@link LayerCatalog}, or by the CRI label {@value #CRI_LAYER_DIGEST}) and its
 * store holds it, the layer is committed under the chain id as a store-backed snapshot with the requested
 * parent and labels, and Prepare answers ALREADY_EXISTS: containerd's metadata layer then finds the committed
 * snapshot (List filtered by that label and parent) and skips unpacking the layer.
 *
 * <p>Counts: a hit per handshake answered from the store; a miss per labelled Prepare it could not answer
 * (unknown layer or not in the store). Prepares without the label are neither.
 */
public final class RemoteHandshake {

    /** containerd's label naming the chain id a Prepare will be committed as. */
    public static final String TARGET = "containerd.io/snapshot.ref";
    /** The CRI plugin's label with the layer's (compressed) digest, when its snapshot annotations are on. */
    public static final String CRI_LAYER_DIGEST = "containerd.io/snapshot/cri.layer-digest";

    /** Hits and misses so far. */
    public record Stats(long hits, long misses) {
    }

    private final Snapshotter snapshotter;
    private final LayerCatalog catalog;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    public RemoteHandshake(Snapshotter snapshotter, LayerCatalog catalog) {
        this.snapshotter = snapshotter;
        this.catalog = catalog;
    }

    /**
     * Answers a Prepare from the store when it can: the chain id committed, or empty (prepare as usual).
     *
     * @throws SnapshotException as Prepare would for a bad parent or labels
     */
    public Optional<String> tryCommit(String parent, Map<String, String> labels) throws SnapshotException, IOException {
        String target = labels.get(TARGET);
        if (target == null || target.isEmpty()) {
            return Optional.empty();
        }
        Optional<LayerId> layer = catalog.layerOf(target).or(() -> digestLabel(labels));
        if (layer.isPresent() && snapshotter.commitFromStore(target, parent, labels, layer.get())) {
            hits.incrementAndGet();
            return Optional.of(target);
        }
        misses.incrementAndGet();
        return Optional.empty();
    }

    private static Optional<LayerId> digestLabel(Map<String, String> labels) {
        String d = labels.get(CRI_LAYER_DIGEST);
        try {
            return d == null ? Optional.empty() : Optional.of(LayerId.of(d));
        } catch (IllegalArgumentException notADigest) {
            return Optional.empty();
        }
    }

    public Stats stats() {
        return new Stats(hits.get(), misses.get());
    }
}
