package org.layerswap.api;

import java.util.Objects;

/**
 * A layer as a manifest describes it: digest, compressed size in bytes and media type
 * (e.g. {@code application/vnd.oci.image.layer.v1.tar+gzip}).
 */
public record LayerDescriptor(LayerId id, long sizeBytes, String mediaType) {

    public static final String OCI_TAR = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_TAR_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

    public LayerDescriptor {
        Objects.requireNonNull(id, "layer id");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("negative size " + sizeBytes + " for layer " + id);
        }
        mediaType = Objects.requireNonNullElse(mediaType, OCI_TAR_GZIP);
    }
}
