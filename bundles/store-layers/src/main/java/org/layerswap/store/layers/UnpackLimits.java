package org.layerswap.store.layers;

/**
 * What {@link TarUnpacker} accepts in a layer.
 *
 * @param maxEntryBytes         largest regular file
 * @param maxLayerBytes         largest total of regular-file bytes in one layer (size bombs)
 * @param maxEntries            most entries in one layer
 * @param allowDeviceNodes      create char/block devices and FIFOs (needs root); otherwise reject them
 * @param allowAbsoluteSymlinks keep symlinks with absolute targets (they resolve inside the container
 *                              root at run time and are never followed while unpacking); otherwise reject
 * @param preserveOwnership     lchown entries to their tar uid/gid (only effective as root)
 */
public record UnpackLimits(long maxEntryBytes, long maxLayerBytes, long maxEntries, boolean allowDeviceNodes,
                           boolean allowAbsoluteSymlinks, boolean preserveOwnership) {

    public static final UnpackLimits DEFAULT = new UnpackLimits(8L << 30, 32L << 30, 2_000_000, false, false, true);

    public UnpackLimits {
        if (maxEntryBytes < 0 || maxLayerBytes < 0 || maxEntries < 1) {
            throw new IllegalArgumentException("unpack limits must be positive: " + maxEntryBytes + "/" + maxLayerBytes + "/" + maxEntries);
        }
    }

    public UnpackLimits withSizes(long entry, long layer) {
        return new UnpackLimits(entry, layer, maxEntries, allowDeviceNodes, allowAbsoluteSymlinks, preserveOwnership);
    }

    public UnpackLimits withDeviceNodes(boolean allow) {
        return new UnpackLimits(maxEntryBytes, maxLayerBytes, maxEntries, allow, allowAbsoluteSymlinks, preserveOwnership);
    }

    public UnpackLimits withAbsoluteSymlinks(boolean allow) {
        return new UnpackLimits(maxEntryBytes, maxLayerBytes, maxEntries, allowDeviceNodes, allow, preserveOwnership);
    }
}
