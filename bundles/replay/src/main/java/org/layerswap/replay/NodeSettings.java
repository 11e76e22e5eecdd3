package org.layerswap.replay;

/**
 * The simulated node: a layer storage budget and one fetch link.
 *
 * @param budgetBytes          bytes of layers the node may keep
 * @param bandwidthBytesPerSec link bandwidth
 * @param rttMillis            round trip paid once per on-demand batch and once per prefetched layer
 * @param unpackBytesPerSec    decompression/unpack rate (serial after the transfer)
 */
public record NodeSettings(long budgetBytes, double bandwidthBytesPerSec, double rttMillis, double unpackBytesPerSec) {

    public NodeSettings {
        if (budgetBytes <= 0 || !(bandwidthBytesPerSec > 0) || !(rttMillis >= 0) || !(unpackBytesPerSec > 0)) {
            throw new IllegalArgumentException("node needs budget > 0, bandwidth > 0, rtt >= 0, unpack > 0; got " + this);
        }
    }

    public static NodeSettings defaults() {
        return new NodeSettings(20_000_000_000L, 100e6, 20, 200e6);
    }

    public NodeSettings withBudget(long bytes) {
        return new NodeSettings(bytes, bandwidthBytesPerSec, rttMillis, unpackBytesPerSec);
    }

    /** Critical-path time to fetch and unpack {@code bytes} on an idle link, ms. */
    public double fetchMillis(double bytes) {
        return rttMillis + bytes * 1000.0 / bandwidthBytesPerSec + bytes * 1000.0 / unpackBytesPerSec;
    }
}
