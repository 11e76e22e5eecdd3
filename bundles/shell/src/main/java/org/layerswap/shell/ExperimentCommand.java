package org.layerswap.shell;

import java.util.Locale;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.layerswap.feedback.Assignment;
import org.layerswap.feedback.ExperimentReport;
import org.layerswap.feedback.ExperimentSettings;
import org.layerswap.feedback.FeedbackControl;

@Command(scope = "layerswap", name = "experiment", description = "Starts, stops or reports the A/B experiment (prefetched vs standard layers)")
@Service
public class ExperimentCommand extends LayerswapCommand {

    @Reference(optional = true)
    FeedbackControl feedback;

    @Argument(index = 0, name = "action", required = true, description = "start | stop | report")
    @Completion(value = StringsCompleter.class, values = {"start", "stop", "report"})
    String action;

    @Argument(index = 1, name = "name", description = "Experiment name (start)")
    String name;

    @Option(name = "--by", description = "Assignment unit: function | invocation (start)")
    @Completion(value = StringsCompleter.class, values = {"function", "invocation"})
    String by = "function";

    @Option(name = "--share", description = "Share of units in the treatment arm, in (0,1) (start)")
    double share = 0.5;

    @Option(name = "--min-samples", description = "Invocations each arm needs before a verdict (start)")
    long minSamples = 1000;

    @Override
    void run() throws Exception {
        Operator.require(feedback, "feedback loop", "layerswap-feedback");
        switch (action) {
            case "start" -> start();
            case "stop" -> print(feedback.stopExperiment(), "no experiment was running");
            case "report" -> print(feedback.experimentReport(), "no experiment is running; finished ones: "
                    + feedback.finishedExperiments().size());
            default -> throw new IllegalArgumentException("unknown action '" + action + "'; valid: start, stop, report");
        }
    }

    private void start() {
        Assignment.Mode mode = switch (by.toLowerCase(Locale.ROOT)) {
            case "function" -> Assignment.Mode.BY_FUNCTION;
            case "invocation" -> Assignment.Mode.BY_INVOCATION;
            default -> throw new IllegalArgumentException("--by '" + by + "' is not valid; use function or invocation");
        };
        ExperimentSettings d = ExperimentSettings.defaults();
        ExperimentSettings settings = new ExperimentSettings(mode, share, minSamples, d.minFunctionsPerArm(), d.alpha(),
                d.bootstrapResamples(), d.bootstrapMaxSamples(), d.seed());
        String id = feedback.startExperiment(name == null ? "experiment" : name, settings);
        System.out.println("Started experiment " + id + " (" + by + ", treatment share " + share + ")");
    }

    private static void print(Optional<ExperimentReport> report, String none) {
        System.out.print(report.map(ExperimentReport::render).orElse(none + System.lineSeparator()));
    }
}
