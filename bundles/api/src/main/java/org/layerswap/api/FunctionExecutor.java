package org.layerswap.api;

import java.util.List;
import java.util.Map;

/**
 * Runs functions: asks the {@link SwapManager} for the invocation's plan and root, starts the function's
 * entrypoint (from its image config) inside that root as an isolated process, and reports the outcome to
 * the {@link FeedbackLoop}. Registered as a service with a {@value Predictor#NAME_PROPERTY} property.
 */
public interface FunctionExecutor {

    String name();

    /** False when this machine cannot run functions (sandbox runtime missing, not permitted, ...). */
    boolean isAvailable();

    /** Why the executor is unavailable, or "" when it is available. */
    String unavailableReason();

    /**
     * Executes one invocation and waits for it. A function that fails or hangs is reported in the result
     * (bounded by the executor's timeout); this never throws for the function's own failures.
     *
     * @throws IllegalArgumentException for an unknown function id (the message lists the defined ones)
     */
    ExecutionResult execute(String functionId, Map<String, String> inputParams);

    /** The most recent executions, newest first. */
    List<ExecutionResult> recentExecutions(int limit);
}
