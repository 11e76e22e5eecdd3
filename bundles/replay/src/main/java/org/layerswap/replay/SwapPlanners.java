package org.layerswap.replay;

import java.util.function.Supplier;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.replay.policy.SwapManagerPolicy;
import org.layerswap.swap.SwapSettings;

/**
 * The only door to the swap bundle's planners ({@code org.layerswap.swap}, imported optionally so the
 * replay bundle resolves without the swap manager). Policies that evict or prefetch with them
 * (predictive, swap-manager) check here first and get a clear error instead of a NoClassDefFoundError.
 */
final class SwapPlanners {

    private SwapPlanners() {
    }

    static void require(String policy) {
        try {
            Class.forName("org.layerswap.swap.EvictionPlanner", false, SwapPlanners.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("policy '" + policy + "' replays the swap manager's planners, but "
                    + "org.layerswap.swap is not available (in Karaf: install feature layerswap-swap)", e);
        }
    }

    static double defaultThreshold(String policy) {
        require(policy);
        return SwapSettings.DEFAULT.threshold();
    }

    static ReplayPolicy policy(String name, Supplier<? extends BehavioralProfiler> factory, double threshold,
                                    long decisionIntervalMillis, long calibrationIntervalMillis) {
        return new SwapManagerPolicy(name, factory, SwapSettings.DEFAULT.withThreshold(threshold), decisionIntervalMillis,
                calibrationIntervalMillis);
    }
}
