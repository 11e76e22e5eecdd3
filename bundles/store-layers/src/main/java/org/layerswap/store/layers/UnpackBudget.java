package org.layerswap.store.layers;

import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * Counts what one unpack writes and refuses, while streaming, anything past {@link UnpackLimits}:
 * entries, bytes per file, bytes per layer, and free space on the target filesystem (so a gzip bomb
 * is refused before it fills the disk, whatever its header declares). Errors name the layer and the
 * limit. Free space is asked at most once per {@link #CHECK_EVERY} bytes written (plus before every
 * file whose declared size alone crosses that), so 100 k small files cost no statfs calls.
 */
final class UnpackBudget {

    static final long CHECK_EVERY = 8L << 20;

    private final UnpackLimits limits;
    private final String layer;
    private final LongSupplier usableBytes;
    private long entries;
    private long layerBytes;
    private long entryBytes;
    private String entry;
    private long sinceCheck;

    /** {@code usableBytes}: free bytes on the layer root's filesystem now (e.g. {@code FileStore::getUsableSpace}). */
    UnpackBudget(UnpackLimits limits, String layer, LongSupplier usableBytes) {
        this.limits = limits;
        this.layer = layer;
        this.usableBytes = usableBytes;
    }

    void nextEntry(String name) throws UnsafeLayerException {
        if (++entries > limits.maxEntries()) {
            throw new UnsafeLayerException("layer '" + layer + "' has more than " + limits.maxEntries() + " entries (maxEntries)");
        }
        entry = name;
        entryBytes = 0;
    }

    /** Before a regular file's data: its declared size against every limit. */
    void declare(long size) throws IOException {
        if (size > limits.maxEntryBytes()) {
            throw new UnsafeLayerException("entry '" + entry + "' declares " + size + " bytes, above the " + limits.maxEntryBytes()
                    + "-byte limit per file (maxEntryBytes) of layer '" + layer + "'");
        }
        if (layerBytes + size > limits.maxLayerBytes()) {
            throw tooBig();
        }
        if (sinceCheck + size >= CHECK_EVERY) {
            checkFree(size);
        }
    }

    /** Before writing {@code n} more bytes of the current file. */
    void write(long n) throws IOException {
        entryBytes += n;
        layerBytes += n;
        sinceCheck += n;
        if (entryBytes > limits.maxEntryBytes()) {
            throw new UnsafeLayerException("entry '" + entry + "' of layer '" + layer + "' holds more than the " + limits.maxEntryBytes()
                    + "-byte limit per file (maxEntryBytes)");
        }
        if (layerBytes > limits.maxLayerBytes()) {
            throw tooBig();
        }
        if (sinceCheck >= CHECK_EVERY) {
            checkFree(0);
        }
    }

    long entries() {
        return entries;
    }

    long layerBytes() {
        return layerBytes;
    }

    private UnsafeLayerException tooBig() {
        return new UnsafeLayerException("layer '" + layer + "' expands past the " + limits.maxLayerBytes()
                + "-byte limit (maxLayerBytes) at entry '" + entry + "'");
    }

    private void checkFree(long more) throws UnsafeLayerException {
        sinceCheck = 0;
        long free = usableBytes.getAsLong();
        if (free - more < limits.minFreeBytes()) {
            throw new UnsafeLayerException("layer '" + layer + "' refused at entry '" + entry + "' after " + layerBytes
                    + " bytes: only " + free + " bytes free on the store's filesystem" + (more > 0 ? " for " + more + " more" : "")
                    + ", below the " + limits.minFreeBytes() + "-byte free-space floor (minFreeBytes)");
        }
    }
}
