package org.layerswap.api;

/**
 * Watches invocation outcomes, adapts the prefetch threshold, and runs A/B experiments
 * (prefetched vs standard layers).
 */
public interface FeedbackLoop {

    void record(InvocationOutcome outcome);

    /** The arm an invocation belongs to (deterministic: by function or by invocation, per config). */
    ExperimentArm assign(String functionId, long invocationSeq);

    /** The threshold the controller currently recommends. */
    double recommendedThreshold();
}
