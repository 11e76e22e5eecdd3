package org.layerswap.api;

import java.util.List;

/**
 * What the swap manager decided for one invocation.
 *
 * @param layers           the layers the invocation runs on, base first
 * @param missing          of those, the ones not resident: fetched on demand (critical path)
 * @param prefetched       layers whose prefetch this call started (asynchronously)
 * @param arm              the experiment arm the invocation was assigned to
 * @param decisionNanos    time spent deciding (not fetching)
 */
public record InvocationPlan(String functionId, List<LayerId> layers, List<LayerId> missing,
                             List<LayerId> prefetched, ExperimentArm arm, long decisionNanos) {

    public InvocationPlan {
        layers = List.copyOf(layers);
        missing = List.copyOf(missing);
        prefetched = List.copyOf(prefetched);
    }
}
