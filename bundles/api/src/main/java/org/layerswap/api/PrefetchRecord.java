package org.layerswap.api;

/**
 * One fetch the swap manager started, for monitoring.
 *
 * @param priority       ON_DEMAND (an invocation waits) or PREFETCH (predicted)
 * @param score          the layer's score when the prefetch started (NaN for on-demand)
 * @param succeeded      whether the layer became resident
 * @param durationMicros from start to completion
 */
public record PrefetchRecord(long id, LayerId layer, String functionId, FetchPriority priority, double score,
                             long startedMillis, long durationMicros, boolean succeeded, long bytes, String detail) {
    public PrefetchRecord {
        detail = detail == null ? "" : detail;
        functionId = functionId == null ? "" : functionId;
    }
}
