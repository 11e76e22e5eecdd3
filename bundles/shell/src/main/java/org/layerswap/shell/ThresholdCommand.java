package org.layerswap.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.SwapManager;

@Command(scope = "layerswap", name = "threshold", description = "Shows or sets the prefetch threshold (a score in [0,1])")
@Service
public class ThresholdCommand implements Action {

    @Reference(optional = true)
    SwapManager swapManager;

    @Reference(optional = true)
    FeedbackLoop feedbackLoop;

    @Argument(index = 0, name = "value", description = "New threshold in [0,1]; omit to show the current one")
    String value;

    @Override
    public Object execute() {
        if (swapManager == null) {
            System.err.println("Error: no swap manager is running (feature layerswap-swap)");
            return null;
        }
        if (value != null) {
            double t;
            try {
                t = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                System.err.println("Error: threshold '" + value + "' is not a number; give a score in [0,1]");
                return null;
            }
            if (!(t >= 0 && t <= 1)) {
                System.err.println("Error: threshold " + value + " is outside [0,1]");
                return null;
            }
            swapManager.setThreshold(t);
        }
        System.out.printf("Threshold %.3f%s%n", swapManager.threshold(),
                feedbackLoop == null ? "" : String.format(" (controller recommends %.3f)", feedbackLoop.recommendedThreshold()));
        return null;
    }
}
