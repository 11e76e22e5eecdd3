package org.layerswap.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.layerswap.api.ApplianceControl;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.SwapManager;

@Command(scope = "layerswap", name = "threshold", description = "Shows or sets the prefetch threshold (a score in [0,1])")
@Service
public class ThresholdCommand extends LayerswapCommand {

    @Reference(optional = true)
    SwapManager swapManager;

    @Reference(optional = true)
    FeedbackLoop feedbackLoop;

    @Reference
    ApplianceControl control;

    @Argument(index = 0, name = "value", description = "New fixed threshold in [0,1], or auto (the feedback controller sets it); omit to show")
    @Completion(value = StringsCompleter.class, values = {"auto", "0.5"})
    String value;

    @Override
    void run() throws Exception {
        Operator.require(swapManager, "swap manager", "layerswap-swap");
        if ("auto".equalsIgnoreCase(value)) {
            control.setThresholdAuto(true);
            value = null;
        }
        if (value != null) {
            double t;
            try {
                t = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new CommandFailure("threshold '" + value + "' is not a number; give a score in [0,1]");
            }
            if (!(t >= 0 && t <= 1)) {
                throw new CommandFailure("threshold " + value + " is outside [0,1]");
            }
            control.setThresholdAuto(false); // an operator's number stays put
            swapManager.setThreshold(t);
        }
        System.out.printf("Threshold %.3f, %s%s%n", swapManager.threshold(),
                control.thresholdAuto() ? "auto (the feedback controller sets it)" : "fixed",
                feedbackLoop == null ? "" : String.format(" (controller recommends %.3f)", feedbackLoop.recommendedThreshold()));
    }
}
