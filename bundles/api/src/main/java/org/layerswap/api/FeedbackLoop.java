package org.layerswap.api;

/**
 * Watches invocation outcomes, adapts the prefetch threshold, and runs A/B experiments
 * (prefetched vs standard layers).
 */
public interface FeedbackLoop {

    void record(InvocationOutcome outcome);

    /** The arm an invocation belongs to (deterministic: by function or by invocation, per config). */
    ExperimentArm assign(String functionId, long invocationSeq);

    /**
     * The arm every invocation of {@code functionId} belongs to when the running experiment assigns by function, so
     * prefetches planned ahead of any invocation follow it (none for {@link ExperimentArm#CONTROL}, whose invocations
     * must see on-demand layers only; their bytes and waste are counted for that arm); {@link ExperimentArm#NONE}
     * when no experiment runs or it assigns by invocation (a planned prefetch then serves invocations of both arms).
     * Default: {@code NONE}. Since api 1.8.
     */
    default ExperimentArm functionArm(String functionId) {
        return ExperimentArm.NONE;
    }

    /** The threshold the controller currently recommends. */
    double recommendedThreshold();

    /**
     * Bytes transferred for {@code functionId} (a prefetch or an on-demand pull) on behalf of invocations
     * in {@code arm}, so the feedback loop can weigh latency saved against bandwidth spent.
     * Additive: a no-op by default.
     */
    default void recordFetch(String functionId, ExperimentArm arm, FetchPriority priority, long bytes, long timestampMillis) {
    }

    /**
     * A prefetched layer left the store (evicted or expired) without any invocation having used it:
     * {@code bytes} of bandwidth and storage were wasted. Additive: a no-op by default.
     */
    default void recordWastedPrefetch(String functionId, ExperimentArm arm, long bytes, long timestampMillis) {
    }

    /** Bytes resident in the layer store as of {@code timestampMillis} (sampled). Additive: a no-op by default. */
    default void recordStorage(long residentBytes, long timestampMillis) {
    }
}
