package org.layerswap.persistence.api;

import java.util.Objects;

/**
 * One prefetch decision.
 *
 * @param used null while unknown, then whether an invocation used the layer before it was evicted
 */
public record PrefetchRow(long id, long timestampMillis, String functionId, String layerDigest, long bytes, double score,
                          double threshold, Boolean used) {
    public PrefetchRow {
        functionId = Objects.requireNonNullElse(functionId, "");
        Objects.requireNonNull(layerDigest, "layer digest");
    }
}
