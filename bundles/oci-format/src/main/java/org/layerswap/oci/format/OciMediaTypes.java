package org.layerswap.oci.format;

import java.util.Set;

/** Media types of OCI and Docker v2 image documents and layers. */
public final class OciMediaTypes {

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

    public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public static final String OCI_LAYER_NONDIST_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

    public static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    public static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);

    /** The HTTP Accept header value a client sends for a manifest request. */
    public static final String ACCEPT_ALL = String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST);

    /** Layer compression as implied by a media type. */
    public enum Compression { NONE, GZIP, ZSTD }

    public static Compression compressionOf(String layerMediaType) {
        String m = layerMediaType == null ? "" : layerMediaType;
        if (m.endsWith("+zstd") || m.endsWith(".zstd")) {
            return Compression.ZSTD;
        }
        if (m.endsWith("+gzip") || m.endsWith(".gzip") || m.endsWith(".tar.gz")) {
            return Compression.GZIP;
        }
        if (m.endsWith(".tar") || m.endsWith("diff.tar")) {
            return Compression.NONE;
        }
        throw new IllegalArgumentException("unsupported layer media type '" + layerMediaType + "'");
    }

    private OciMediaTypes() {
    }
}
