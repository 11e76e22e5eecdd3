package org.layerswap.cluster;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.layerswap.api.LayerId;
import org.layerswap.api.LayerStoreListener;
import org.layerswap.api.ResidentLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the directory and this node's {@link BlobCache} in step with the local layer store (registered as a
 * {@link LayerStoreListener}). Invariant: self is published for a layer only while this node can serve its verified blob;
 * a layer that leaves the store (evicted, quarantined) leaves the directory first and the cache second, so peers stop
 * asking before the file goes (a request already running may get a 404 or a short body: the requester then tries
 * elsewhere). The cache never holds blobs of layers the store no longer has, so the store's budget bounds it too.
 */
public final class DirectorySync implements LayerStoreListener {

    private static final Logger LOG = LoggerFactory.getLogger(DirectorySync.class);

    private final LayerDirectory directory;
    private final BlobCache cache;

    public DirectorySync(LayerDirectory directory, BlobCache cache) {
        this.directory = directory;
        this.cache = cache;
    }

    @Override
    public void layerStored(LayerId id, long blobBytes) {
        if (cache.has(id)) {
            directory.add(id); // usually already published by the fetcher: idempotent
        }
    }

    @Override
    public void layerRemoved(LayerId id) {
        directory.remove(id);
        try {
            cache.delete(id);
        } catch (IOException e) {
            LOG.warn("cannot delete the served blob of {}: {}", id, e.toString());
        }
    }

    /**
     * Publishes the cached blobs of layers the store holds; with {@code prune}, deletes those of layers it does not
     * hold (evicted while this node was down or the cluster off). Prune only before the peer source is offered to the
     * store: later, a blob just fetched may not be resident yet.
     */
    public void reconcile(List<ResidentLayer> resident, boolean prune) throws IOException {
        Set<LayerId> held = resident.stream().map(ResidentLayer::id).collect(Collectors.toSet());
        for (LayerId id : cache.list()) {
            if (held.contains(id)) {
                directory.add(id);
            } else if (prune) {
                cache.delete(id);
            }
        }
    }
}
