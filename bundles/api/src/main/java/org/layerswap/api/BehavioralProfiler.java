package org.layerswap.api;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Learns from invocation events and scores layers: the probability each is needed within the
 * prediction window. Scores update incrementally on every event and decay with time.
 */
public interface BehavioralProfiler {

    /** OSGi EventAdmin topic posted when scores change (properties: {@code layers}, {@code timestamp}). */
    String TOPIC_SCORES_CHANGED = "org/layerswap/profiler/SCORES_CHANGED";

    /** Records one invocation and updates the scores it affects. */
    void record(InvocationEvent event);

    /**
     * Records {@code events} (handed over together, e.g. one HTTP batch) and answers a stage that completes once the
     * profiler has accepted all of them: recorded into the local model, or, on a cluster, held by the owners of their
     * functions and their backups. It completes exceptionally when any could not be accepted (which ones were is not
     * said: the caller treats the whole batch as not accepted). May return before the stage completes. The default
     * records them one by one with {@link #record} before returning. Since api 1.6.
     */
    default CompletionStage<Void> recordBatch(List<InvocationEvent> events) {
        return EachEvent.apply(events, this::record);
    }

    /**
     * Records which optional (e.g. data) layers an invocation actually used, so the parameter
     * model learns which parameter values select which layers.
     */
    void recordLayerAccess(InvocationEvent event, Collection<LayerId> layersUsed);

    /** Replaces the function-to-layer map used to turn function probabilities into layer scores. */
    void updateFunctionLayers(FunctionLayerMap map);

    /** Every current layer score. */
    Map<LayerId, PredictionScore> scores();

    /** The {@code k} highest scores, highest first. */
    List<PredictionScore> topK(int k);

    Optional<PredictionScore> score(LayerId layer);

    /** Probability that {@code functionId} runs within the window, from the active predictor. */
    double functionProbability(String functionId);

    /** Subscribes to score changes; closing the handle unsubscribes. */
    AutoCloseable subscribe(ScoreListener listener);

    long windowMillis();

    /** Name of the predictor currently in use. */
    String activePredictor();

    ProfileView profiles();

    /**
     * Optional layers the parameter model expects an invocation of {@code functionId} with
     * {@code params} to use, each with its estimated probability (learned from
     * {@link #recordLayerAccess}). Additive: empty when the implementation has no parameter model.
     */
    default Map<LayerId, Double> optionalLayers(String functionId, Map<String, String> params) {
        return Map.of();
    }

    /**
     * Recomputes every score as of {@code nowMillis} so that scores decay while no events arrive
     * (routes call it on a timer; replays pass trace time). Additive: a no-op by default.
     */
    default void rescore(long nowMillis) {
    }

    /**
     * When {@code functionId} is predicted to run next, as of {@code nowMillis} (issue 13): the active
     * {@link Predictor#nextUse} when it answers, else the profiler's built-in next-use model; null when
     * nothing is known about the function. Additive: null by default. Fast and thread-safe.
     */
    default NextUse nextUse(String functionId, long nowMillis) {
        return null;
    }

    /**
     * P({@code functionId} runs in ({@code nowMillis}, {@code nowMillis + horizonMillis}] | idle since its last
     * run) under the built-in next-use model, read without the one learned gap that helps most (a decision asked
     * again at every tick must not hang on a single observation); NaN when unknown (the default). What the swap
     * manager's prefetch admission compares with its threshold.
     */
    default double nextUseProbability(String functionId, long nowMillis, long horizonMillis) {
        return Double.NaN;
    }

    /**
     * Where the profiles came from at the last start (e.g. "snapshot file ... taken at ..., 12 functions"), or ""
     * when profiling started empty. Additive: "" by default.
     */
    default String restoredFrom() {
        return "";
    }
}
