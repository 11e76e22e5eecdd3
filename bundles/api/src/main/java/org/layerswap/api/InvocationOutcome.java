package org.layerswap.api;

/**
 * How one invocation went, as the feedback loop measures it.
 *
 * @param layerWaitMicros time the invocation waited for layers (pull, verify, unpack, mount)
 * @param executionMicros time the function itself ran
 * @param error           whether it failed
 */
public record InvocationOutcome(String functionId, long timestampMillis, ExperimentArm arm,
                                long layerWaitMicros, long executionMicros, boolean error) {

    public long totalMicros() {
        return layerWaitMicros + executionMicros;
    }
}
