package org.layerswap.webconsole;

import static org.layerswap.webconsole.ApplianceView.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.layerswap.feedback.Assignment;
import org.layerswap.feedback.ExperimentReport;
import org.layerswap.feedback.ExperimentSettings;
import org.layerswap.feedback.FeedbackControl;
import org.layerswap.feedback.ThresholdChange;

/** The feedback loop as JSON: the threshold controller's state and decisions, and the A/B experiments. */
final class FeedbackView {

    private FeedbackView() {
    }

    static Map<String, Object> controller(FeedbackControl fc, int limit) {
        if (fc == null) {
            return map("available", false);
        }
        FeedbackControl.ControllerStatus s = fc.controllerStatus();
        List<Map<String, Object>> changes = new ArrayList<>();
        for (ThresholdChange c : fc.recentThresholdChanges(limit)) {
            changes.add(map("time", c.timestampMillis(), "parameter", c.parameter(), "from", c.oldValue(), "to", c.newValue(),
                    "objectiveBefore", c.objectiveBefore(), "objectiveAfter", c.objectiveAfter(), "reason", c.reason(),
                    "evidence", c.evidence()));
        }
        return map("available", true, "threshold", s.threshold(), "phase", s.phase(), "step", s.step(),
                "referenceThreshold", s.referenceThreshold(), "probeThreshold", s.probeThreshold(),
                "referenceObjective", s.referenceObjective(), "lastObjective", s.lastObjective(), "changes", s.changes(),
                "decisions", s.decisions(), "reversals", s.reversals(), "windowsClosed", s.windowsClosed(), "history", changes);
    }

    static Map<String, Object> experiments(FeedbackControl fc) {
        if (fc == null) {
            return map("available", false);
        }
        List<Map<String, Object>> finished = new ArrayList<>();
        for (ExperimentReport r : fc.finishedExperiments()) {
            finished.add(report(r));
        }
        return map("available", true, "running", fc.experimentReport().map(FeedbackView::report).orElse(null), "finished", finished);
    }

    static Object act(FeedbackControl fc, String action, HttpServletRequest r) {
        if (fc == null) {
            throw new ApiServlet.ApiException(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "no feedback loop is running");
        }
        try {
            return switch (action) {
                case "start" -> {
                    Assignment.Mode mode = switch (String.valueOf(r.getParameter("by")).toLowerCase(Locale.ROOT)) {
                        case "invocation" -> Assignment.Mode.BY_INVOCATION;
                        case "function", "null" -> Assignment.Mode.BY_FUNCTION;
                        default -> throw new IllegalArgumentException("by '" + r.getParameter("by") + "' is not valid; use function or invocation");
                    };
                    ExperimentSettings d = ExperimentSettings.defaults();
                    double share = number(r, "share", d.treatmentShare());
                    long minSamples = (long) number(r, "minSamples", d.minSamplesPerArm());
                    ExperimentSettings s = new ExperimentSettings(mode, share, minSamples, d.minFunctionsPerArm(), d.alpha(),
                            d.bootstrapResamples(), d.bootstrapMaxSamples(), d.seed());
                    String name = r.getParameter("name");
                    yield map("started", fc.startExperiment(name == null || name.isBlank() ? "experiment" : name.trim(), s));
                }
                case "stop" -> map("stopped", fc.stopExperiment().map(FeedbackView::report).orElse(null));
                default -> throw new IllegalArgumentException("unknown action '" + action + "'; valid: start, stop");
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ApiServlet.ApiException(HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
        }
    }

    private static double number(HttpServletRequest r, String name, double dflt) {
        String v = r.getParameter(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + v + "' is not a number");
        }
    }

    private static Map<String, Object> report(ExperimentReport r) {
        return map("id", r.experimentId(), "name", r.name(), "mode", r.mode(), "running", r.running(), "started", r.startedMillis(),
                "verdict", r.verdict(), "explanation", r.explanation(), "meanDiffMs", r.meanDiffMs(),
                "controlInvocations", r.control().invocations(), "treatmentInvocations", r.treatment().invocations(),
                "controlMeanMs", r.control().meanLatencyMs(), "treatmentMeanMs", r.treatment().meanLatencyMs(), "text", r.render());
    }
}
