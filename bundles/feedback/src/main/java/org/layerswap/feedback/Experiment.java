package org.layerswap.feedback;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.layerswap.api.ExperimentArm;
import org.layerswap.api.InvocationOutcome;

/** One A/B experiment's samples. Not thread-safe: the engine serialises access. */
final class Experiment {

    private static final class ArmData {
        final Statistics.Moments latency = new Statistics.Moments();
        final Statistics.Moments wait = new Statistics.Moments();
        final Statistics.Moments exec = new Statistics.Moments();
        long errors;
        long bytesFetched;
        long wasted;
        final double[] reservoir;
        int filled;
        long seen;

        ArmData(int capacity) {
            reservoir = new double[capacity];
        }

        ArmData(ArmData o) {
            latency.addAll(o.latency);
            wait.addAll(o.wait);
            exec.addAll(o.exec);
            errors = o.errors;
            bytesFetched = o.bytesFetched;
            wasted = o.wasted;
            reservoir = java.util.Arrays.copyOf(o.reservoir, o.filled);
            filled = o.filled;
            seen = o.seen;
        }
    }

    private static final class FunctionData {
        final ExperimentArm arm;
        final Statistics.Moments latency = new Statistics.Moments();
        long errors;

        FunctionData(ExperimentArm arm) {
            this.arm = arm;
        }

        FunctionData copy() {
            FunctionData c = new FunctionData(arm);
            c.latency.addAll(latency);
            c.errors = errors;
            return c;
        }
    }

    final String id;
    final String name;
    final ExperimentSettings settings;
    final long salt;
    final long startedMillis;
    long stoppedMillis = -1;
    private final ArmData control;
    private final ArmData treatment;
    private final Map<String, FunctionData> functions = new HashMap<>();
    private final SplittableRandom reservoirRandom;

    Experiment(String id, String name, ExperimentSettings settings, long startedMillis) {
        this.id = id;
        this.name = name;
        this.settings = settings;
        this.salt = Assignment.fnv1a(id);
        this.startedMillis = startedMillis;
        this.control = new ArmData(settings.bootstrapMaxSamples());
        this.treatment = new ArmData(settings.bootstrapMaxSamples());
        this.reservoirRandom = new SplittableRandom(settings.seed() ^ salt);
    }

    private Experiment(Experiment o) {
        this.id = o.id;
        this.name = o.name;
        this.settings = o.settings;
        this.salt = o.salt;
        this.startedMillis = o.startedMillis;
        this.stoppedMillis = o.stoppedMillis;
        this.control = new ArmData(o.control);
        this.treatment = new ArmData(o.treatment);
        o.functions.forEach((k, v) -> functions.put(k, v.copy()));
        this.reservoirRandom = null;
    }

    /**
     * A frozen copy (cheap: moments, the reservoirs and per-function moments) whose {@link #report} can be
     * computed outside the engine's lock - the bootstrap must not hold up the invocation path.
     */
    Experiment snapshot() {
        return new Experiment(this);
    }

    ExperimentArm assign(String functionId, long invocationSeq) {
        return Assignment.assign(settings.mode(), salt, settings.treatmentShare(), functionId, invocationSeq);
    }

    /** The arm of every invocation of {@code functionId} when assigning by function; NONE by invocation. */
    ExperimentArm functionArm(String functionId) {
        return settings.mode() == Assignment.Mode.BY_FUNCTION ? assign(functionId, 0) : ExperimentArm.NONE;
    }

    boolean running() {
        return stoppedMillis < 0;
    }

    private ArmData arm(ExperimentArm a) {
        return a == ExperimentArm.CONTROL ? control : a == ExperimentArm.TREATMENT ? treatment : null;
    }

    void add(InvocationOutcome o) {
        ArmData d = arm(o.arm());
        if (d == null) {
            return;
        }
        double total = o.totalMicros() / 1000.0;
        d.latency.add(total);
        d.wait.add(o.layerWaitMicros() / 1000.0);
        d.exec.add(o.executionMicros() / 1000.0);
        if (o.error()) {
            d.errors++;
        }
        d.seen++;
        if (d.filled < d.reservoir.length) {
            d.reservoir[d.filled++] = total;
        } else {
            long j = reservoirRandom.nextLong(d.seen);
            if (j < d.reservoir.length) {
                d.reservoir[(int) j] = total;
            }
        }
        FunctionData f = functions.computeIfAbsent(o.functionId(), k -> new FunctionData(o.arm()));
        if (f.arm == o.arm()) {
            f.latency.add(total);
            if (o.error()) {
                f.errors++;
            }
        }
    }

    void addBytes(ExperimentArm a, long fetched, long wasted) {
        ArmData d = arm(a);
        if (d != null) {
            d.bytesFetched += fetched;
            d.wasted += wasted;
        }
    }

    ExperimentReport report(long asOfMillis) {
        ExperimentSettings s = settings;
        boolean byFunction = s.mode() == Assignment.Mode.BY_FUNCTION;
        Statistics.Moments cUnits;
        Statistics.Moments tUnits;
        double[] cBoot;
        double[] tBoot;
        double errorDiff;
        double errorP;
        long cFunctions = functions.values().stream().filter(f -> f.arm == ExperimentArm.CONTROL).count();
        long tFunctions = functions.values().stream().filter(f -> f.arm == ExperimentArm.TREATMENT).count();
        if (byFunction) {
            cBoot = functionMeans(ExperimentArm.CONTROL, false);
            tBoot = functionMeans(ExperimentArm.TREATMENT, false);
            cUnits = Statistics.Moments.of(cBoot);
            tUnits = Statistics.Moments.of(tBoot);
            Statistics.Welch e = Statistics.welch(Statistics.Moments.of(functionMeans(ExperimentArm.CONTROL, true)),
                    Statistics.Moments.of(functionMeans(ExperimentArm.TREATMENT, true)));
            errorDiff = e.meanDiff();
            errorP = e.pTwoSided();
        } else {
            cUnits = control.latency;
            tUnits = treatment.latency;
            cBoot = java.util.Arrays.copyOf(control.reservoir, control.filled);
            tBoot = java.util.Arrays.copyOf(treatment.reservoir, treatment.filled);
            Statistics.TwoProportion e = Statistics.twoProportion(control.errors, control.latency.n(), treatment.errors,
                    treatment.latency.n());
            errorDiff = e.rateB() - e.rateA();
            errorP = e.pTwoSided();
        }
        double level = 1 - s.alpha() / 2;
        Statistics.Welch w = Statistics.welch(cUnits, tUnits);
        Statistics.Interval ci = Statistics.bootstrapMeanDiff(cBoot, tBoot, s.bootstrapResamples(), level, s.seed() ^ salt);

        ExperimentReport.Verdict verdict;
        String why;
        double half = s.alpha() / 2;
        long cn = control.latency.n();
        long tn = treatment.latency.n();
        if (cn < s.minSamplesPerArm() || tn < s.minSamplesPerArm()
                || (byFunction && (cFunctions < s.minFunctionsPerArm() || tFunctions < s.minFunctionsPerArm()))) {
            verdict = ExperimentReport.Verdict.INSUFFICIENT_DATA;
            why = String.format(java.util.Locale.ROOT, "need %d invocations%s per arm; have control %d/%d, treatment %d/%d",
                    s.minSamplesPerArm(), byFunction ? " and " + s.minFunctionsPerArm() + " functions" : "", cn, cFunctions, tn, tFunctions);
        } else {
            boolean latSig = w.pTwoSided() < half;
            boolean errSig = errorP < half;
            if ((latSig && w.meanDiff() > 0) || (errSig && errorDiff > 0)) {
                verdict = ExperimentReport.Verdict.TREATMENT_WORSE;
                why = latSig && w.meanDiff() > 0 ? "treatment is significantly slower" : "treatment has significantly more errors";
            } else if (latSig || errSig) {
                verdict = ExperimentReport.Verdict.TREATMENT_BETTER;
                why = latSig ? "treatment is significantly faster" : "treatment has significantly fewer errors";
                why += errSig || !latSig ? "" : " and errors are not significantly higher";
            } else {
                verdict = ExperimentReport.Verdict.NO_SIGNIFICANT_DIFFERENCE;
                why = "neither latency nor error rate differs significantly";
            }
        }
        return new ExperimentReport(id, name, s.mode(), byFunction ? "function" : "invocation", startedMillis,
                running() ? asOfMillis : stoppedMillis, running(), s.alpha(), s.minSamplesPerArm(), s.minFunctionsPerArm(),
                summary("CONTROL", control, byFunction ? cFunctions : cn), summary("TREATMENT", treatment, byFunction ? tFunctions : tn), w.meanDiff(), ci, w,
                errorDiff, errorP, verdict, why);
    }

    private double[] functionMeans(ExperimentArm arm, boolean errorRates) {
        return functions.values().stream().filter(f -> f.arm == arm && f.latency.n() > 0)
                .mapToDouble(f -> errorRates ? (double) f.errors / f.latency.n() : f.latency.mean()).toArray();
    }

    private static ExperimentReport.ArmSummary summary(String arm, ArmData d, long units) {
        return new ExperimentReport.ArmSummary(arm, d.latency.n(), units, d.latency.mean(), Math.sqrt(d.latency.variance()),
                d.wait.mean(), d.exec.mean(), d.latency.n() == 0 ? Double.NaN : (double) d.errors / d.latency.n(), d.bytesFetched,
                d.wasted);
    }
}
