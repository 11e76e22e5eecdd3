package org.layerswap.replay;

/**
 * Metrics of one policy over the post-warm-up part of a replay.
 *
 * @param policy                 policy name
 * @param family                 policy family (for sweeps), e.g. "keepalive"
 * @param knob                   the family's knob value (keep-alive minutes, threshold, budget share...), NaN if none
 * @param invocations            invocations measured
 * @param criticalPathInvocations invocations that waited for at least one layer fetch
 * @param invocationsByClass     measured invocations per frequency class (>=1/min, 1/min..1/h, <1/h)
 * @param criticalByClass        critical-path invocations per class
 * @param stallP50Ms             stall percentiles over all measured invocations (0 for hits), ms
 * @param stallMeanWhenFetchingMs mean stall of the invocations that fetched
 * @param totalStallMs           sum of stalls
 * @param onDemandBytes          bytes fetched on the critical path
 * @param prefetchBytes          bytes fetched by prefetches
 * @param wastedPrefetchBytes    prefetched bytes evicted (or dropped) before any use
 * @param unusedAtEndBytes       prefetched bytes still resident and unused when the trace ended
 * @param residentGbSeconds      integral of resident bytes over time, GB*s
 * @param prefetchesCompleted    prefetches that completed
 * @param prefetchesUsed         prefetched layers used before eviction
 * @param demandLayerMisses      layer fetches on the critical path
 * @param layerAccesses          layer lookups
 * @param decisionNanosPerInvocation mean wall time to serve one invocation (policy decisions plus node model), ns
 * @param brier                  Brier score of the policy's probabilities (NaN when it has none)
 * @param calibrationError       expected calibration error (NaN when none)
 * @param calibration            the reliability table, or null
 * @param wallMillis             wall time of this replay
 */
public record PolicyResult(String policy, String family, double knob, long invocations, long criticalPathInvocations,
                           long[] invocationsByClass, long[] criticalByClass, double stallP50Ms, double stallP95Ms,
                           double stallP99Ms, double stallMeanWhenFetchingMs, double totalStallMs, long onDemandBytes,
                           long prefetchBytes, long wastedPrefetchBytes, long unusedAtEndBytes, double residentGbSeconds,
                           long prefetchesCompleted, long prefetchesUsed, long demandLayerMisses, long layerAccesses,
                           double decisionNanosPerInvocation, double brier, double calibrationError,
                           Calibration calibration, long wallMillis) {

    public double criticalPathShare() {
        return invocations == 0 ? Double.NaN : (double) criticalPathInvocations / invocations;
    }

    public double criticalPathShare(int frequencyClass) {
        long n = invocationsByClass[frequencyClass];
        return n == 0 ? Double.NaN : (double) criticalByClass[frequencyClass] / n;
    }

    public long bytesFetched() {
        return onDemandBytes + prefetchBytes;
    }

    /** Used prefetches / completed prefetches. */
    public double prefetchPrecision() {
        return prefetchesCompleted == 0 ? Double.NaN : (double) prefetchesUsed / prefetchesCompleted;
    }

    /** Layer needs covered by a prefetch / (covered + fetched on the critical path). */
    public double prefetchRecall() {
        long d = prefetchesUsed + demandLayerMisses;
        return d == 0 ? Double.NaN : (double) prefetchesUsed / d;
    }
}
