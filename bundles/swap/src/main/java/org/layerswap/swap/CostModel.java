package org.layerswap.swap;

/**
 * Parameters of the prefetch priority (see {@link PrefetchPlanner#priority}).
 *
 * @param bandwidthBytesPerSec expected download bandwidth, for the seconds a fetch takes
 * @param rttMillis            fixed per-fetch latency (registry round trips, unpack start)
 * @param storageWeight        alpha: weight of storage pressure (occupied share of the budget after admission)
 * @param disruptionWeight     beta: weight of disruption (share of the layer's functions with invocations in flight)
 */
public record CostModel(double bandwidthBytesPerSec, double rttMillis, double storageWeight, double disruptionWeight) {

    public static final CostModel DEFAULT = new CostModel(50.0 * 1024 * 1024, 50, 1.0, 0.5);

    public CostModel {
        if (!(bandwidthBytesPerSec > 0)) {
            throw new IllegalArgumentException("bandwidth must be positive, got " + bandwidthBytesPerSec);
        }
        if (!(rttMillis >= 0) || !(storageWeight >= 0) || !(disruptionWeight >= 0)) {
            throw new IllegalArgumentException("cost model: rttMillis, storageWeight and disruptionWeight must be >= 0, got "
                    + rttMillis + ", " + storageWeight + ", " + disruptionWeight);
        }
    }

    /** Seconds an on-demand fetch of {@code sizeBytes} costs an invocation: what a prefetch saves. */
    public double fetchSeconds(long sizeBytes) {
        return sizeBytes / bandwidthBytesPerSec + rttMillis / 1000.0;
    }
}
