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
 * @param cost                       the cost model the planners compare
 * @param nextUsePlanning            prefetch and evict by predicted next use ({@link NextUsePlanning}, issue 13; the
 *                                   replay's {@code swap-manager} runs the same class); false: the score-ranked
 *                                   {@link PrefetchPlanner} / {@link EvictionPlanner} of before
 * @param decisionIntervalMillis     how often the next-use planning runs (besides on score changes), ms
 * @param fetchBudgetVsLru           the next-use planning's bandwidth budget: bytes fetched (on demand and prefetched)
 *                                   at most this many times a plain LRU cache's on the same requests, over
 *                                   {@code fetchBudgetWindowMillis} ({@link FetchBudget}); 0: no budget
 * @param fetchBudgetWindowMillis    time constant of that budget's byte counts, ms
 */
public record SwapSettings(double threshold, int maxConcurrentPrefetches, int maxPrefetchesPerInvocation, int candidateLimit,
                           boolean prefetchOnScoreChange, boolean composeAhead, double shadowShare, int minShadowSamples,
                           double shadowErrorTolerance, double shadowLatencyTolerance, int historySize, CostModel cost,
                           boolean nextUsePlanning, long decisionIntervalMillis, double fetchBudgetVsLru,
                           long fetchBudgetWindowMillis) {

    public static final long DEFAULT_DECISION_INTERVAL_MILLIS = 10_000;
    public static final double DEFAULT_FETCH_BUDGET_VS_LRU = 1.5;
    public static final long DEFAULT_FETCH_BUDGET_WINDOW_MILLIS = 3_600_000;

    public static final SwapSettings DEFAULT = new SwapSettings(0.5, 4, 4, 64, true, true, 0.1, 50, 0.01, 0.10, 1000,
            CostModel.DEFAULT, true, DEFAULT_DECISION_INTERVAL_MILLIS);

    /** The default bandwidth budget. */
    public SwapSettings(double threshold, int maxConcurrentPrefetches, int maxPrefetchesPerInvocation, int candidateLimit,
                        boolean prefetchOnScoreChange, boolean composeAhead, double shadowShare, int minShadowSamples,
                        double shadowErrorTolerance, double shadowLatencyTolerance, int historySize, CostModel cost,
                        boolean nextUsePlanning, long decisionIntervalMillis) {
        this(threshold, maxConcurrentPrefetches, maxPrefetchesPerInvocation, candidateLimit, prefetchOnScoreChange, composeAhead,
                shadowShare, minShadowSamples, shadowErrorTolerance, shadowLatencyTolerance, historySize, cost,
                nextUsePlanning, decisionIntervalMillis, DEFAULT_FETCH_BUDGET_VS_LRU, DEFAULT_FETCH_BUDGET_WINDOW_MILLIS);
    }

    /** The score-ranked planners of before (no next-use planning), e.g. for tests of that path. */
    public SwapSettings(double threshold, int maxConcurrentPrefetches, int maxPrefetchesPerInvocation, int candidateLimit,
                        boolean prefetchOnScoreChange, boolean composeAhead, double shadowShare, int minShadowSamples,
                        double shadowErrorTolerance, double shadowLatencyTolerance, int historySize, CostModel cost) {
        this(threshold, maxConcurrentPrefetches, maxPrefetchesPerInvocation, candidateLimit, prefetchOnScoreChange, composeAhead,
                shadowShare, minShadowSamples, shadowErrorTolerance, shadowLatencyTolerance, historySize, cost, false,
                DEFAULT_DECISION_INTERVAL_MILLIS);
    }

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
        if (decisionIntervalMillis < 1) {
            throw new IllegalArgumentException("decisionIntervalMillis must be >= 1, got " + decisionIntervalMillis);
        }
        if (!(fetchBudgetVsLru >= 0) || Double.isInfinite(fetchBudgetVsLru) || fetchBudgetWindowMillis < 1) {
            throw new IllegalArgumentException("fetchBudgetVsLru must be finite and >= 0 (0: off) and the fetch budget's "
                    + "window >= 1 ms; got " + fetchBudgetVsLru + ", " + fetchBudgetWindowMillis + " ms");
        }
    }

    public SwapSettings withThreshold(double t) {
        return new SwapSettings(t, maxConcurrentPrefetches, maxPrefetchesPerInvocation, candidateLimit, prefetchOnScoreChange,
                composeAhead, shadowShare, minShadowSamples, shadowErrorTolerance, shadowLatencyTolerance, historySize, cost,
                nextUsePlanning, decisionIntervalMillis, fetchBudgetVsLru, fetchBudgetWindowMillis);
    }

    /** The same settings with or without next-use planning. */
    public SwapSettings withNextUsePlanning(boolean on) {
        return new SwapSettings(threshold, maxConcurrentPrefetches, maxPrefetchesPerInvocation, candidateLimit, prefetchOnScoreChange,
                composeAhead, shadowShare, minShadowSamples, shadowErrorTolerance, shadowLatencyTolerance, historySize, cost,
                on, decisionIntervalMillis, fetchBudgetVsLru, fetchBudgetWindowMillis);
    }

    /** The same settings with another bandwidth budget (0: none). */
    public SwapSettings withFetchBudget(double vsLru, long windowMillis) {
        return new SwapSettings(threshold, maxConcurrentPrefetches, maxPrefetchesPerInvocation, candidateLimit, prefetchOnScoreChange,
                composeAhead, shadowShare, minShadowSamples, shadowErrorTolerance, shadowLatencyTolerance, historySize, cost,
                nextUsePlanning, decisionIntervalMillis, vsLru, windowMillis);
    }
}
