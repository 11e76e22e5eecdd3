package org.layerswap.api;

import java.io.InputStream;

/**
 * Where layers come from: an OCI registry, a local OCI image-layout directory, ...
 * Registered as a service with a {@value Predictor#NAME_PROPERTY} property.
 */
public interface LayerSource {

    String name();

    /** Resolves an image reference (tag or digest) to its manifest and config. */
    ImageManifest resolve(String imageReference) throws LayerSourceException;

    /**
     * Opens a layer blob of {@code repository} from byte {@code offset} on (to resume a partial
     * download). The caller verifies the digest; the source does not have to.
     */
    InputStream openBlob(String repository, LayerDescriptor layer, long offset) throws LayerSourceException;
}
