package org.layerswap.api;

import java.util.Objects;

/**
 * The probability that a layer is needed within the profiler's prediction window, as of a moment.
 *
 * @param layerId         the layer scored
 * @param score           probability in [0, 1]
 * @param timestampMillis when the score was computed
 */
public record PredictionScore(LayerId layerId, double score, long timestampMillis) {

    public PredictionScore {
        Objects.requireNonNull(layerId, "layer id");
        if (!(score >= 0.0 && score <= 1.0)) {
            throw new IllegalArgumentException("score " + score + " for layer " + layerId + " is not a probability in [0,1]");
        }
    }
}
