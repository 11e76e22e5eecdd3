package org.layerswap.store.layers;

/**
 * What {@link TarUnpacker} accepts in a layer.
 *
 * @param maxEntryBytes         largest regular file (counted while streaming, not only as declared)
 * @param maxLayerBytes         largest total of regular-file bytes written for one layer (gzip/size bombs)
 * @param maxEntries            most entries in one layer (inode bombs)
 * @param allowDeviceNodes      create char/block devices and FIFOs (needs root); otherwise reject them
 * @param allowAbsoluteSymlinks keep symlinks with absolute targets (they resolve inside the container
 *                              root at run time and are never followed while unpacking); otherwise reject
 * @param preserveOwnership     chown entries to their tar uid/gid (only effective as root)
 * @param keepSetuidBits        keep setuid/setgid bits; by default they are stripped (issue 14 item 3)
 * @param minFreeBytes          refuse the layer when writing it would leave less than this many bytes
 *                              free on the filesystem of the layer root (checked while streaming)
 */
public record UnpackLimits(long maxEntryBytes, long maxLayerBytes, long maxEntries, boolean allowDeviceNodes,
                           boolean allowAbsoluteSymlinks, boolean preserveOwnership, boolean keepSetuidBits,
                           long minFreeBytes) {

    /** Free space kept on the store's filesystem by default. */
    public static final long DEFAULT_MIN_FREE_BYTES = 256L << 20;

    public static final UnpackLimits DEFAULT = new UnpackLimits(8L << 30, 32L << 30, 2_000_000, false, false, true);

    public UnpackLimits {
        if (maxEntryBytes < 0 || maxLayerBytes < 0 || maxEntries < 1 || minFreeBytes < 0) {
            throw new IllegalArgumentException("unpack limits must be positive: " + maxEntryBytes + "/" + maxLayerBytes + "/"
                    + maxEntries + "/" + minFreeBytes);
        }
    }

    /** The original six limits; setuid/setgid bits stripped, {@link #DEFAULT_MIN_FREE_BYTES} kept free. */
    public UnpackLimits(long maxEntryBytes, long maxLayerBytes, long maxEntries, boolean allowDeviceNodes,
                        boolean allowAbsoluteSymlinks, boolean preserveOwnership) {
        this(maxEntryBytes, maxLayerBytes, maxEntries, allowDeviceNodes, allowAbsoluteSymlinks, preserveOwnership, false,
                DEFAULT_MIN_FREE_BYTES);
    }

    public UnpackLimits withSizes(long entry, long layer) {
        return new UnpackLimits(entry, layer, maxEntries, allowDeviceNodes, allowAbsoluteSymlinks, preserveOwnership, keepSetuidBits,
                minFreeBytes);
    }

    public UnpackLimits withDeviceNodes(boolean allow) {
        return new UnpackLimits(maxEntryBytes, maxLayerBytes, maxEntries, allow, allowAbsoluteSymlinks, preserveOwnership, keepSetuidBits,
                minFreeBytes);
    }

    public UnpackLimits withAbsoluteSymlinks(boolean allow) {
        return new UnpackLimits(maxEntryBytes, maxLayerBytes, maxEntries, allowDeviceNodes, allow, preserveOwnership, keepSetuidBits,
                minFreeBytes);
    }

    public UnpackLimits withSetuidBits(boolean keep) {
        return new UnpackLimits(maxEntryBytes, maxLayerBytes, maxEntries, allowDeviceNodes, allowAbsoluteSymlinks, preserveOwnership, keep,
                minFreeBytes);
    }

    public UnpackLimits withMinFreeBytes(long bytes) {
        return new UnpackLimits(maxEntryBytes, maxLayerBytes, maxEntries, allowDeviceNodes, allowAbsoluteSymlinks, preserveOwnership,
                keepSetuidBits, bytes);
    }

    /** The mode bits an entry keeps: permissions and sticky always, setuid/setgid only when {@link #keepSetuidBits}. */
    int modeMask() {
        return keepSetuidBits ? 07777 : 01777;
    }
}
