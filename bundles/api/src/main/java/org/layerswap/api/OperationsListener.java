package org.layerswap.api;

/**
 * Whiteboard: register a service of this type to be told of events that have no read API beyond a bounded history
 * (for metrics: stall, swap-duration and cold-start histograms). The function executor calls
 * {@link #executionFinished} for every execution it ran (or refused); the swap manager calls {@link #swapRecorded}
 * and {@link #fetchRecorded} for every record it adds to its histories. Called on the publisher's threads,
 * concurrently: implementations must be quick and thread-safe; publishers log and ignore what they throw. Since 1.2.
 */
public interface OperationsListener {

    default void executionFinished(ExecutionResult result) {
    }

    /** A swap record; a shadow rollout produces one when it starts shadowing and one (same id) when it ends. */
    default void swapRecorded(SwapRecord record) {
    }

    /** A finished fetch (prefetch or on-demand). */
    default void fetchRecorded(PrefetchRecord record) {
    }
}
