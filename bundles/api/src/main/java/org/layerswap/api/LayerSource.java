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

    /**
     * The manifest {@code manifestDigest} of {@code repository} byte for byte as the source holds it (what
     * {@link ImageManifest#manifestDigest()} names), for a consumer that stores it under its digest (containerd's
     * content store). The config is a blob: {@link #openBlob}. The caller verifies the digest. A source that cannot
     * serve it throws (the default). Since 1.7.
     */
    default byte[] manifestBytes(String repository, String manifestDigest) throws LayerSourceException {
        throw new LayerSourceException("layer source " + name() + " does not serve manifest bytes (asked for " + repository + "@"
                + manifestDigest + ")", false);
    }
}
