package org.layerswap.api;

import java.nio.file.Path;

/**
 * A layer held by the store.
 *
 * @param sizeBytes      compressed (transferred) size
 * @param unpackedBytes  size on disk once unpacked
 * @param refCount       composed filesystems currently using it; a referenced layer is never evicted
 * @param lastUsedMillis last time it was fetched or acquired
 */
public record ResidentLayer(LayerId id, Path path, long sizeBytes, long unpackedBytes, int refCount, long lastUsedMillis) {
}
