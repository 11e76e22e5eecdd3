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

    /** The swap manager's default bandwidth budget (a compile-time constant: read without loading the swap bundle). */
    static final double DEFAULT_FETCH_BUDGET_VS_LRU = SwapSettings.DEFAULT_FETCH_BUDGET_VS_LRU;

    static ReplayPolicy policy(String name, Supplier<? extends BehavioralProfiler> factory, double threshold,
                                    long decisionIntervalMillis, long calibrationIntervalMillis, double fetchBudgetVsLru) {
        SwapSettings s = SwapSettings.DEFAULT.withThreshold(threshold);
        return new SwapManagerPolicy(name, factory, s.withFetchBudget(fetchBudgetVsLru, s.fetchBudgetWindowMillis()),
                decisionIntervalMillis, calibrationIntervalMillis);
    }
}
