package org.layerswap.feedback;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Adapts the prefetch threshold to maximise the objective J ({@link ObjectiveWeights}) by a damped hill
 * climb whose comparisons are made with a <em>switchback</em> design:
 * <ol>
 *   <li>the <em>reference</em> is the best threshold known; a <em>probe</em> is
 *       {@code reference + direction * step};</li>
 *   <li>while probing, the applied threshold alternates between reference and probe window by window
 *       (after {@code discardWindows} transition windows each time), so both are measured under the same
 *       workload mix - a fleet's mix and volume drift over the day, which would bias a before/after
 *       comparison;</li>
 *   <li>when both have at least {@code dwellWindows} windows and {@code minSamples * initialStep / step}
 *       invocations (more as the probes get closer), the probe is judged: better than the reference by more
 *       than the dead band {@code max(hysteresisMs, noiseZ * SE(difference))} - the probe becomes the
 *       reference and the climb continues in the same direction; otherwise (worse, or no significant
 *       difference) the direction reverses and the step shrinks by {@code stepShrink}; below {@code minStep}
 *       the controller returns to the reference and <em>settles</em>;</li>
 *   <li>settled, it holds the threshold; after {@code reprobeWindows} windows it re-opens probing with half
 *       the initial step (to follow a changed workload), which again ends settled.</li>
 * </ol>
 * Hence at most {@link ControllerSettings#maxReversalsPerPhase()} reversals per probing phase, no decision
 * inside the dead band, a bounded range, and a settled threshold that does not move between re-probes.
 * <p>Not thread-safe: the {@link FeedbackEngine} serialises calls.
 */
public final class ThresholdController {

    public enum Phase { INIT, PROBING, SETTLED }

    public static final String PARAMETER = "threshold";

    private final ControllerSettings s;
    private final ObjectiveWeights weights;

    private double threshold;
    private double step;
    private int direction;
    private Phase phase = Phase.INIT;
    private double refThreshold;
    private double probeThreshold = Double.NaN;
    private double refObjective = Double.NaN;
    private double refSe = Double.NaN;
    private WindowMetrics refAcc;
    private WindowMetrics probeAcc;
    private int refWindows;
    private int probeWindows;
    private int discardLeft;
    private int settledWindows;
    private long reversals;
    private long changes;
    private long decisions;
    private long phases;
    private ObjectiveWeights.Evaluation lastEvaluation;

    public ThresholdController(ControllerSettings settings, ObjectiveWeights weights) {
        this.s = settings;
        this.weights = weights;
        this.threshold = settings.initialThreshold();
        this.refThreshold = threshold;
        this.step = settings.initialStep();
        this.direction = settings.initialDirection();
    }

    /** The threshold to apply now (while probing: the reference or the probe, alternately). */
    public double threshold() {
        return threshold;
    }

    public Phase phase() {
        return phase;
    }

    public double step() {
        return step;
    }

    /** Direction reversals since start (the oscillation measure). */
    public long reversals() {
        return reversals;
    }

    /** Applied-threshold changes, including switchback alternations. */
    public long changes() {
        return changes;
    }

    /** Judgements made (probe accepted or rejected). */
    public long decisions() {
        return decisions;
    }

    /** Probing phases started (1 + re-probes). */
    public long probingPhases() {
        return phases;
    }

    /** The best threshold known: where the controller settles. */
    public double referenceThreshold() {
        return refThreshold;
    }

    public double referenceObjective() {
        return refObjective;
    }

    public double probeThreshold() {
        return probeThreshold;
    }

    public Optional<ObjectiveWeights.Evaluation> lastEvaluation() {
        return Optional.ofNullable(lastEvaluation);
    }

    /** Feeds one closed window measured at {@link #threshold()}; returns the change it caused, if any. */
    public Optional<ThresholdChange> onWindow(WindowMetrics w) {
        if (w.invocations() == 0) {
            return Optional.empty();
        }
        if (discardLeft > 0) {
            discardLeft--;
            return Optional.empty();
        }
        switch (phase) {
            case INIT -> {
                phase = Phase.PROBING;
                phases++;
                refThreshold = threshold;
                refAcc = w;
                refWindows = 1;
                return startProbe(w, "first probe " + dirWord());
            }
            case SETTLED -> {
                lastEvaluation = weights.evaluate(w);
                settledWindows++;
                if (s.reprobeWindows() > 0 && settledWindows >= s.reprobeWindows()) {
                    phase = Phase.PROBING;
                    phases++;
                    step = Math.max(s.minStep(), s.initialStep() / 2);
                    refAcc = w;
                    refWindows = 1;
                    return startProbe(w, String.format(Locale.ROOT, "settled for %d windows: re-probing %s with step %.4f",
                            settledWindows, dirWord(), step));
                }
                return Optional.empty();
            }
            case PROBING -> {
                boolean atProbe = threshold == probeThreshold;
                if (atProbe) {
                    probeAcc = probeAcc == null ? w : probeAcc.merge(w);
                    probeWindows++;
                } else {
                    refAcc = refAcc == null ? w : refAcc.merge(w);
                    refWindows++;
                }
                long need = requiredSamples();
                boolean refReady = refAcc != null && refWindows >= s.dwellWindows() && refAcc.invocations() >= need;
                boolean probeReady = probeAcc != null && probeWindows >= s.dwellWindows() && probeAcc.invocations() >= need;
                if (refReady && probeReady) {
                    return judge(w);
                }
                // switchback: measure the other one next
                double next = atProbe ? refThreshold : probeThreshold;
                return move(next, w, weights.evaluate(w), Double.NaN, String.format(Locale.ROOT,
                        "switchback: measuring %s %.4f (reference %d windows/%d invocations, probe %d/%d, need %d/%d)",
                        atProbe ? "reference" : "probe", next, refWindows, refAcc == null ? 0 : refAcc.invocations(),
                        probeWindows, probeAcc == null ? 0 : probeAcc.invocations(), s.dwellWindows(), need));
            }
            default -> throw new IllegalStateException(phase.toString());
        }
    }

    private Optional<ThresholdChange> judge(WindowMetrics last) {
        ObjectiveWeights.Evaluation ref = weights.evaluate(refAcc);
        ObjectiveWeights.Evaluation probe = weights.evaluate(probeAcc);
        lastEvaluation = probe;
        refObjective = ref.objective();
        refSe = ref.standardError();
        decisions++;
        double band = Math.max(s.hysteresisMs(), s.noiseZ() * Math.sqrt(sq(ref.standardError()) + sq(probe.standardError())));
        double diff = probe.objective() - ref.objective();
        WindowMetrics evidence = probeAcc;
        if (diff > band) {
            double old = refThreshold;
            refThreshold = probeThreshold;
            refObjective = probe.objective();
            refSe = probe.standardError();
            // measure the new reference afresh, interleaved with its probe (same mix)
            refAcc = null;
            refWindows = 0;
            String why = String.format(Locale.ROOT, "probe %.4f beat reference %.4f by %.3f ms/inv (> dead band %.3f)",
                    probeThreshold, old, diff, band);
            double next = clamp(refThreshold + direction * step);
            if (next == refThreshold) {
                return settle(evidence, probe, band, why + "; range bound reached");
            }
            return newProbe(evidence, probe, band, why + "; keep going " + dirWord());
        }
        String why = diff < -band
                ? String.format(Locale.ROOT, "probe %.4f worse than reference %.4f by %.3f ms/inv (dead band %.3f)",
                        probeThreshold, refThreshold, -diff, band)
                : String.format(Locale.ROOT, "probe %.4f not significantly different from reference %.4f (%.3f within dead band %.3f)",
                        probeThreshold, refThreshold, diff, band);
        direction = -direction;
        reversals++;
        step *= s.stepShrink();
        double next = clamp(refThreshold + direction * step);
        if (step < s.minStep() || next == refThreshold) {
            return settle(evidence, probe, band, why + String.format(Locale.ROOT,
                    "; step %.4f below minimum %.4f: settled at %.4f", step, s.minStep(), refThreshold));
        }
        // the reference's measurement stays valid only for the same mix: start both afresh
        refAcc = null;
        refWindows = 0;
        return newProbe(evidence, probe, band, why + String.format(Locale.ROOT, "; probing %s with step %.4f", dirWord(), step));
    }

    private Optional<ThresholdChange> settle(WindowMetrics evidence, ObjectiveWeights.Evaluation e, double band, String why) {
        phase = Phase.SETTLED;
        settledWindows = 0;
        probeThreshold = Double.NaN;
        refAcc = null;
        probeAcc = null;
        Optional<ThresholdChange> c = move(refThreshold, evidence, e, band, why);
        return c;
    }

    private Optional<ThresholdChange> newProbe(WindowMetrics evidence, ObjectiveWeights.Evaluation e, double band, String why) {
        probeThreshold = clamp(refThreshold + direction * step);
        probeAcc = null;
        probeWindows = 0;
        return move(probeThreshold, evidence, e, band, why);
    }

    private Optional<ThresholdChange> startProbe(WindowMetrics w, String why) {
        double p = clamp(refThreshold + direction * step);
        if (p == refThreshold) {
            direction = -direction;
            p = clamp(refThreshold + direction * step);
        }
        probeThreshold = p;
        probeAcc = null;
        probeWindows = 0;
        return move(p, w, weights.evaluate(w), Double.NaN, why);
    }

    /** Invocations needed per side before judging: grows as initialStep/step so closer probes are measured more precisely. */
    long requiredSamples() {
        return (long) Math.ceil(s.minSamples() * Math.max(1.0, s.initialStep() / step));
    }

    private Optional<ThresholdChange> move(double target, WindowMetrics judged, ObjectiveWeights.Evaluation cur, double band,
                                           String reason) {
        double old = threshold;
        if (target == old) {
            return Optional.empty();
        }
        threshold = target;
        changes++;
        discardLeft = s.discardWindows();
        Map<String, String> ev = new LinkedHashMap<>(judged.describe());
        ev.put("objective", WindowMetrics.fmt(cur.objective()));
        ev.put("objectiveStdErr", WindowMetrics.fmt(cur.standardError()));
        ev.put("referenceThreshold", WindowMetrics.fmt(refThreshold));
        ev.put("referenceObjective", WindowMetrics.fmt(refObjective));
        ev.put("probeThreshold", WindowMetrics.fmt(probeThreshold));
        ev.put("deadBand", WindowMetrics.fmt(band));
        ev.put("step", WindowMetrics.fmt(step));
        ev.put("direction", Integer.toString(direction));
        ev.put("phase", phase.name());
        return Optional.of(new ThresholdChange(judged.endMillis(), PARAMETER, old, target, refObjective, cur.objective(),
                reason, ev));
    }

    private double clamp(double t) {
        double r = Math.max(s.minThreshold(), Math.min(s.maxThreshold(), t));
        return Math.round(r * 1e9) / 1e9;
    }

    private String dirWord() {
        return direction < 0 ? "towards more prefetching (lower threshold)" : "towards less prefetching (higher threshold)";
    }

    private static double sq(double v) {
        return Double.isNaN(v) ? 0 : v * v;
    }

    // ------------------------------------------------------------- persistence of the controller state

    /** The state worth keeping across a restart, as properties. */
    public Properties exportState() {
        Properties p = new Properties();
        p.setProperty("version", "2");
        p.setProperty("threshold", Double.toString(refThreshold));
        p.setProperty("step", Double.toString(step));
        p.setProperty("direction", Integer.toString(direction));
        p.setProperty("phase", phase.name());
        p.setProperty("refObjective", Double.toString(refObjective));
        p.setProperty("reversals", Long.toString(reversals));
        p.setProperty("changes", Long.toString(changes));
        p.setProperty("decisions", Long.toString(decisions));
        p.setProperty("phases", Long.toString(phases));
        return p;
    }

    /**
     * Restores {@link #exportState()} output: the controller resumes at the best threshold known (the
     * reference), settled if it was settled; a probe in progress restarts. Values outside the current
     * settings' range are clamped.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public void importState(Properties p) {
        try {
            double t = Double.parseDouble(req(p, "threshold"));
            double st = Double.parseDouble(req(p, "step"));
            int dir = Integer.parseInt(req(p, "direction"));
            Phase ph = Phase.valueOf(req(p, "phase"));
            if (Double.isNaN(t) || (dir != 1 && dir != -1) || !(st > 0)) {
                throw new IllegalArgumentException("controller state has threshold=" + t + ", step=" + st + ", direction=" + dir);
            }
            refThreshold = clamp(t);
            threshold = refThreshold;
            step = Math.min(st, s.initialStep());
            direction = dir;
            phase = ph == Phase.SETTLED ? Phase.SETTLED : Phase.INIT;
            refObjective = Double.parseDouble(p.getProperty("refObjective", "NaN"));
            refSe = Double.NaN;
            probeThreshold = Double.NaN;
            refAcc = null;
            probeAcc = null;
            refWindows = 0;
            probeWindows = 0;
            settledWindows = 0;
            reversals = Long.parseLong(p.getProperty("reversals", "0"));
            changes = Long.parseLong(p.getProperty("changes", "0"));
            decisions = Long.parseLong(p.getProperty("decisions", "0"));
            phases = Long.parseLong(p.getProperty("phases", "0"));
            discardLeft = Math.max(1, s.discardWindows());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad controller state: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith("controller state") ? e
                    : new IllegalArgumentException("bad controller state: " + e.getMessage(), e);
        }
    }

    private static String req(Properties p, String k) {
        String v = p.getProperty(k);
        if (v == null) {
            throw new IllegalArgumentException("controller state lacks '" + k + "'");
        }
        return v.trim();
    }
}
