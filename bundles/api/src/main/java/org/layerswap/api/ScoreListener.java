package org.layerswap.api;

import java.util.List;
import java.util.Set;

/** Receives the layer scores that changed, so consumers react without polling. */
@FunctionalInterface
public interface ScoreListener {
    void scoresChanged(List<PredictionScore> changed);

    /**
     * The profiler recorded invocations of these functions since the last call, so their predicted next use
     * ({@link BehavioralProfiler#nextUse}) may have moved even where no score moved by the notify threshold (a
     * saturated score stays put while a timer's next beat moves with every run). Coalesced and off the ingest path
     * like {@link #scoresChanged}; each function at most once per call. Additive: ignored by default.
     */
    default void functionsObserved(Set<String> functionIds) {
    }
}
