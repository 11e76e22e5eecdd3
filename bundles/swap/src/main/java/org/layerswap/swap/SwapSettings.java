package org.layerswap.swap;

/**
 * Swap manager settings (config PID {@code org.layerswap.swap}; defaults in etc/org.layerswap.swap.cfg).
 *
 * @param threshold                  score at or above which a layer is prefetched
 * @param maxConcurrentPrefetches    prefetches running at once
 * @param maxPrefetchesPerInvocation prefetches one handleInvocation call may start
 * @param candidateLimit             size of the precomputed ranked candidate list
 * @param prefetchOnScoreChange      also start prefetches when scores change (ahead of invocations)
 * @param composeAhead               compose a function's root as soon as all its layers are resident
 * @param shadowShare                default share of invocations run on a shadow candidate set
 * @param minShadowSamples           outcomes per arm before a shadow is promoted or rolled back
 * @param shadowErrorTolerance       allowed error-rate increase of the candidate
 * @param shadowLatencyTolerance     allowed relative mean-latency increase of the candidate
 * @param historySize                swap and prefetch records kept in memory (each)
 */
public record SwapSettings(double threshold, int maxConcurrentPrefetches, int maxPrefetchesPerInvocation, int candidateLimit,
                           boolean prefetchOnScoreChange, boolean composeAhead, double shadowShare, int minShadowSamples,
                           double shadowErrorTolerance, double shadowLatencyTolerance, int historySize, CostModel cost) {

    public static final SwapSettings DEFAULT = new SwapSettings(0.5, 4, 4, 64, true, true, 0.1, 50, 0.01, 0.10, 1000,
            CostModel.DEFAULT);

    public SwapSettings {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0,1], got " + threshold);
        }
        if (maxConcurrentPrefetches < 1 || maxPrefetchesPerInvocation < 0 || candidateLimit < 1 || historySize < 1) {
            throw new IllegalArgumentException("maxConcurrentPrefetches, candidateLimit and historySize must be >= 1 and "
                    + "maxPrefetchesPerInvocation >= 0; got " + maxConcurrentPrefetches + ", " + candidateLimit + ", "
                    + historySize + ", " + maxPrefetchesPerInvocation);
        }
        if (!(shadowShare > 0 && shadowShare < 1)) {
            throw new IllegalArgumentException("shadowShare must be in (0,1), got " + shadowShare);
        }
        if (minShadowSamples < 1) {
            throw new IllegalArgumentException("minShadowSamples must be >= 1, got " + minShadowSamples);
        }
        if (!(shadowErrorTolerance >= 0) || !(shadowLatencyTolerance >= 0)) {
            throw new IllegalArgumentException("shadow tolerances must be >= 0");
        }
        if (cost == null) {
            throw new IllegalArgumentException("cost model missing");
        }
    }

    public SwapSettings withThreshold(double t) {
        return new SwapSettings(t, maxConcurrentPrefetches, maxPrefetchesPerInvocation, candidateLimit, prefetchOnScoreChange,
                composeAhead, shadowShare, minShadowSamples, shadowErrorTolerance, shadowLatencyTolerance, historySize, cost);
    }
}
