package org.layerswap.feedback;

/**
 * Prices of the resources prefetching spends, in milliseconds of invocation latency per unit, so that
 * everything is summed in one currency. The objective per invocation over an evaluation window is
 * <pre>
 *   J = -( mean adjusted latency ms             (layer wait + execution minus the function's usual execution)
 *        + errorPenaltyMs * error rate
 *        + ( bandwidthMsPerMB * MB fetched
 *          + wasteMsPerMB     * MB prefetched but never used
 *          + storageMsPerGBs  * GB-seconds resident ) / invocations )
 * </pre>
 * Since latency saved = baseline latency - mean latency and the on-demand baseline does not depend on
 * the threshold, maximising J is maximising "latency saved - bandwidth, waste and storage spent". The
 * functions' usual execution times are subtracted because they do not depend on the threshold either but
 * vary with the mix of functions in a window ({@link WindowMetrics#adjustedLatencyMs()}).
 */
public record ObjectiveWeights(double bandwidthMsPerMB, double wasteMsPerMB, double storageMsPerGBs, double errorPenaltyMs) {

    public ObjectiveWeights {
        if (bandwidthMsPerMB < 0 || wasteMsPerMB < 0 || storageMsPerGBs < 0 || errorPenaltyMs < 0) {
            throw new IllegalArgumentException("objective weights must be >= 0: " + bandwidthMsPerMB + ", " + wasteMsPerMB
                    + ", " + storageMsPerGBs + ", " + errorPenaltyMs);
        }
    }

    public static ObjectiveWeights defaults() {
        return new ObjectiveWeights(1.0, 2.0, 0.05, 1000.0);
    }

    /** J and its standard error for the window's invocations. */
    public Evaluation evaluate(WindowMetrics w) {
        long n = w.invocations();
        if (n == 0) {
            return new Evaluation(Double.NaN, Double.NaN, 0);
        }
        double errRate = (double) w.errors() / n;
        double perInvocationCost = (bandwidthMsPerMB * w.bytesFetched() / 1e6 + wasteMsPerMB * w.wastedBytes() / 1e6
                + storageMsPerGBs * w.storageGBs()) / n;
        double j = -(w.adjustedLatencyMs() + errorPenaltyMs * errRate + perInvocationCost);
        double var = (Double.isNaN(w.adjustedLatencyVariance()) ? 0 : w.adjustedLatencyVariance()) / n
                + errorPenaltyMs * errorPenaltyMs * errRate * (1 - errRate) / n;
        return new Evaluation(j, Math.sqrt(var), n);
    }

    /** @param objective J (higher is better), @param standardError its estimated standard error */
    public record Evaluation(double objective, double standardError, long invocations) {
    }
}
