package org.layerswap.feedback;

import java.time.Instant;
import java.util.Locale;

/**
 * The state of an A/B experiment: per-arm figures, tests and a verdict.
 *
 * @param unit          what was sampled: "invocation" (by-invocation) or "function" (by-function: per-function means)
 * @param meanDiffMs    treatment minus control mean latency per unit (negative = treatment faster)
 * @param ci            bootstrap CI of {@code meanDiffMs} at 1 - alpha
 * @param latencyTest   Welch t-test on the units' latency
 * @param errorP        p-value of the error-rate comparison (two-proportion z-test by invocation; Welch on per-function rates by function)
 */
public record ExperimentReport(String experimentId, String name, Assignment.Mode mode, String unit, long startedMillis,
                               long asOfMillis, boolean running, double alpha, long minSamplesPerArm, int minFunctionsPerArm,
                               ArmSummary control, ArmSummary treatment, double meanDiffMs, Statistics.Interval ci,
                               Statistics.Welch latencyTest, double errorDiff, double errorP, Verdict verdict, String explanation) {

    public enum Verdict { INSUFFICIENT_DATA, NO_SIGNIFICANT_DIFFERENCE, TREATMENT_BETTER, TREATMENT_WORSE }

    /** One arm: invocation counts and means, and the number of analysis units. */
    public record ArmSummary(String arm, long invocations, long units, double meanLatencyMs, double sdLatencyMs,
                             double meanWaitMs, double meanExecMs, double errorRate, long bytesFetched, long wastedBytes) {
    }

    public boolean significant() {
        return verdict == Verdict.TREATMENT_BETTER || verdict == Verdict.TREATMENT_WORSE;
    }

    /** A fixed-width text rendering for the shell. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Experiment %s (%s) %s, %s assignment, unit=%s%n", experimentId, name,
                running ? "RUNNING" : "STOPPED", mode.name().toLowerCase(Locale.ROOT).replace('_', '-'), unit));
        sb.append(String.format(Locale.ROOT, "  started %s, as of %s%n", Instant.ofEpochMilli(startedMillis), Instant.ofEpochMilli(asOfMillis)));
        sb.append(String.format(Locale.ROOT, "  %-10s %10s %8s %12s %10s %10s %10s %8s %12s %12s%n", "arm", "invocations", "units",
                "latency ms", "sd ms", "wait ms", "exec ms", "errors", "MB fetched", "MB wasted"));
        for (ArmSummary a : new ArmSummary[] {control, treatment}) {
            sb.append(String.format(Locale.ROOT, "  %-10s %10d %8d %12.2f %10.2f %10.2f %10.2f %7.3f%% %12.1f %12.1f%n", a.arm(),
                    a.invocations(), a.units(), a.meanLatencyMs(), a.sdLatencyMs(), a.meanWaitMs(), a.meanExecMs(),
                    100 * a.errorRate(), a.bytesFetched() / 1e6, a.wastedBytes() / 1e6));
        }
        sb.append(String.format(Locale.ROOT, "  latency difference (treatment - control): %.2f ms, %.1f%% CI [%.2f, %.2f] (bootstrap)%n",
                meanDiffMs, 100 * ci.level(), ci.low(), ci.high()));
        sb.append(String.format(Locale.ROOT, "  Welch t = %.3f, df = %.1f, p = %.4g; error-rate difference %.4f, p = %.4g%n",
                latencyTest.t(), latencyTest.df(), latencyTest.pTwoSided(), errorDiff, errorP));
        sb.append(String.format(Locale.ROOT, "  alpha = %.3f (each test at %.4f), minimum %d invocations and %s per arm%n", alpha,
                alpha / 2, minSamplesPerArm, mode == Assignment.Mode.BY_FUNCTION ? minFunctionsPerArm + " functions" : "-"));
        sb.append("  verdict: ").append(verdict).append(" - ").append(explanation).append(System.lineSeparator());
        return sb.toString();
    }
}
