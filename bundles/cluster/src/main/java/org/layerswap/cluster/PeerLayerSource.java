package org.layerswap.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;

/**
 * The {@code peer} layer source: the store's source when the cluster is on ({@code source.target=(name=peer)} in
 * {@code org.layerswap.store}). Manifests come from the registry source it wraps; a blob is first made present and
 * verified in this node's {@link BlobCache} by the {@link PeerFetcher} (from a peer, else one registry pull
 * cluster-wide), then streamed from there to the store, whose downloader verifies the digest again exactly as for a
 * registry pull. A blob that could not be obtained verified from anywhere fails like a registry pull fails.
 */
public final class PeerLayerSource implements LayerSource {

    public static final String NAME = "peer";

    private final LayerSource registry;
    private final PeerFetcher fetcher;
    private final BlobCache cache;

    public PeerLayerSource(LayerSource registry, PeerFetcher fetcher, BlobCache cache) {
        this.registry = registry;
        this.fetcher = fetcher;
        this.cache = cache;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ImageManifest resolve(String imageReference) throws LayerSourceException {
        return registry.resolve(imageReference);
    }

    @Override
    public InputStream openBlob(String repository, LayerDescriptor layer, long offset) throws LayerSourceException {
        try {
            fetcher.ensure(layer, off -> registry.openBlob(repository, layer, off));
            return cache.open(layer.id(), offset);
        } catch (LayerSourceException e) {
            throw e;
        } catch (BlobCache.CorruptBlobException e) {
            throw new LayerSourceException(e.getMessage(), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LayerSourceException("interrupted while fetching " + layer.id(), false, new InterruptedIOException());
        } catch (IOException | RuntimeException e) {
            throw new LayerSourceException("layer " + layer.id() + " from peers or " + registry.name() + ": " + e.getMessage(), true, e);
        }
    }
}
