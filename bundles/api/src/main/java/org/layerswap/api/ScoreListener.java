package org.layerswap.api;

import java.util.List;

/** Receives the layer scores that changed, so consumers react without polling. */
@FunctionalInterface
public interface ScoreListener {
    void scoresChanged(List<PredictionScore> changed);
}
