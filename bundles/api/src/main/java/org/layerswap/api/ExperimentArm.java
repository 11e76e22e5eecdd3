package org.layerswap.api;

/** A/B arm of an invocation. */
public enum ExperimentArm {
    /** No experiment running: normal (predictive) operation. */
    NONE,
    /** Standard on-demand layers. */
    CONTROL,
    /** Predictive prefetch. */
    TREATMENT
}
