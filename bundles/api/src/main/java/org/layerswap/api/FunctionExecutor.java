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

    /**
     * Parses operator input ({@code name=value} items, as the shell and the REST API take them) into parameters.
     *
     * @throws IllegalArgumentException naming the first item that is not {@code name=value}
     */
    static Map<String, String> params(Iterable<String> nameValues) {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        if (nameValues != null) {
            for (String kv : nameValues) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("parameter '" + kv + "' is not name=value");
                }
                p.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return p;
    }

    /** The most recent executions, newest first. */
    List<ExecutionResult> recentExecutions(int limit);
}
