package org.layerswap.api;

import java.util.List;
import java.util.Map;

/**
 * Turns prediction scores into prefetches and swaps layers into function filesystems before
 * invocations arrive.
 */
public interface SwapManager {

    /**
     * Decides for one invocation: which of its layers must be fetched on demand, and which
     * predicted layers to prefetch. Never waits for a prefetch.
     */
    InvocationPlan handleInvocation(String functionId, Map<String, String> inputParams);

    /** Swaps {@code functionId} onto {@code layers} (base first) with the given mechanism. */
    SwapRecord swap(String functionId, List<LayerId> layers, SwapMode mode, double shadowShare);

    /**
     * How an invocation run on {@code plan} went: feeds a running shadow rollout of its function (which
     * compares the candidate layer set with the current one). Additive: a no-op by default.
     */
    default void recordOutcome(InvocationPlan plan, InvocationOutcome outcome) {
    }

    /** The most recent swaps, newest first. */
    List<SwapRecord> swapHistory(int limit);

    /** The most recent prefetches and on-demand fetches (finished), newest first. */
    default List<PrefetchRecord> prefetchHistory(int limit) {
        return List.of();
    }

    /**
     * The prefetch queue: fetches started and not finished yet (prefetches and on-demand), oldest first.
     * Their {@link PrefetchRecord#durationMicros()} is the time waited so far and {@code succeeded} is false; their
     * {@link PrefetchRecord#detail()} is {@code queued} (claimed, waiting for a worker; waited counts from the claim) or
     * {@code fetching} (waited counts from the instant the finished record's duration will count from).
     */
    default List<PrefetchRecord> fetchesInFlight() {
        return List.of();
    }

    /** Score at or above which a layer is prefetched. */
    double threshold();

    void setThreshold(double threshold);

    FunctionLayerMap functionLayers();

    /**
     * Declares (or re-declares) a function by its image reference, resolved through the configured
     * layer source, and returns its layers, base first. Re-declaring with a newer image is how new
     * layer versions reach a function: the next composition (or {@link #swap}) uses them.
     */
    default List<LayerId> defineFunction(String functionId, String imageReference) throws LayerSourceException {
        throw new UnsupportedOperationException("this swap manager cannot resolve images");
    }

    /** The function's definition (image, layers, config), or empty when it was never defined. */
    default java.util.Optional<FunctionDefinition> function(String functionId) {
        return java.util.Optional.empty();
    }

    /**
     * Declares a data layer that an input parameter selects: invocations of {@code functionId} whose parameters
     * contain {@code paramName=paramValue} run on the function's layers with the data layer(s) on top, in a
     * root of their own. {@code imageReferenceOrLayerDigest} is an image of the configured layer source (its
     * layers that the function does not already have become the data layers) or the digest of a layer the swap
     * manager knows. Re-binding the same parameter value replaces the binding. Returns the data layers.
     * Refuses unknown functions, layers and bad parameter names, naming what is valid.
     */
    default List<LayerId> bindDataLayer(String functionId, String paramName, String paramValue, String imageReferenceOrLayerDigest)
            throws LayerSourceException {
        throw new UnsupportedOperationException("this swap manager cannot mount parameter-selected data layers");
    }

    /**
     * Removes the data layer binding of {@code paramName=paramValue} of {@code functionId}: invocations with that
     * value run on the function's own layers again, the binding is no longer persisted, and the variant roots
     * built with its layers are removed (a variant root an invocation holds is removed when that invocation ends).
     * Returns the removed binding, empty when the function has no such binding; refuses unknown functions (naming the
     * defined ones) and blank parameter names like {@link #bindDataLayer}.
     */
    default java.util.Optional<DataLayerBinding> unbindDataLayer(String functionId, String paramName, String paramValue) {
        throw new UnsupportedOperationException("this swap manager cannot mount parameter-selected data layers");
    }

    /** The data layer bindings of {@code functionId} (all functions when null), by function, parameter and value. */
    default List<DataLayerBinding> dataLayerBindings(String functionId) {
        return List.of();
    }

    /**
     * Operator-requested prefetch: every missing layer of a function, or one layer by digest. Returns the
     * layers whose prefetch started (asynchronously); refuses unknown names with the valid ones.
     */
    default List<LayerId> prefetch(String functionOrLayer) {
        throw new UnsupportedOperationException("this swap manager cannot prefetch on request");
    }

    /**
     * The invocation side of a plan: waits at most {@code timeoutMillis} for its missing layers (fetched on
     * demand), then pins the function's root (for a plan with parameter-selected data layers, the variant root
     * composed from exactly {@code plan.layers()}). Close the lease when the invocation ends.
     */
    default RootLease enter(InvocationPlan plan, long timeoutMillis) throws java.io.IOException {
        throw new UnsupportedOperationException("this swap manager cannot run invocations");
    }

    /**
     * What this swap manager took over at its start: recovered roots adopted or cleaned, prefetches resumed, the
     * catalog restored. Additive: {@link RestartReport#NONE} by default.
     */
    default RestartReport restartReport() {
        return RestartReport.NONE;
    }

    /** The next-use planning's bandwidth budget as of its last pass. Additive: {@link FetchBudgetStatus#NONE} by default. */
    default FetchBudgetStatus fetchBudget() {
        return FetchBudgetStatus.NONE;
    }
}
