package org.layerswap.api;

/** Counters of a {@link LayerStore} since it started. */
public record LayerStoreStats(long budgetBytes, long usedBytes, long bytesPulled, long hits, long misses,
                              long evictions, long verifyFailures, long unpackMillis, int queuedFetches) {
}
