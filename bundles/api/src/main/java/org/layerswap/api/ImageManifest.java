package org.layerswap.api;

import java.util.List;
import java.util.Objects;

/**
 * A resolved image: where it lives, its manifest digest, its layers (base first) and its config.
 *
 * @param reference      what was asked for, e.g. {@code functions/thumbnail:1.2}
 * @param repository     the repository blobs are fetched from, e.g. {@code functions/thumbnail}
 * @param manifestDigest digest of the image manifest (for a multi-platform index: of the chosen manifest)
 */
public record ImageManifest(String reference, String repository, String manifestDigest,
                            List<LayerDescriptor> layers, ImageConfig config) {

    public ImageManifest {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(repository, "repository");
        layers = List.copyOf(layers);
        config = Objects.requireNonNullElse(config, ImageConfig.EMPTY);
    }

    public long totalSizeBytes() {
        return layers.stream().mapToLong(LayerDescriptor::sizeBytes).sum();
    }
}
