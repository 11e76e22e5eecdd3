package org.layerswap.feedback;

import org.layerswap.api.ExperimentArm;

/**
 * Cumulative figures for one function in one arm ({@code functionId} "*" for all functions).
 *
 * @param storageGBs appliance-wide GB-seconds resident (only on the "*" rows of arm NONE: storage is shared)
 */
public record ArmMetrics(String functionId, ExperimentArm arm, long invocations, double meanWaitMs, double meanExecMs,
                         double meanLatencyMs, double maxLatencyMs, double errorRate, long bytesPrefetched, long bytesOnDemand,
                         long wastedBytes, double storageGBs) {
}
