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

    /** The most recent swaps, newest first. */
    List<SwapRecord> swapHistory(int limit);

    /** Score at or above which a layer is prefetched. */
    double threshold();

    void setThreshold(double threshold);

    FunctionLayerMap functionLayers();
}
