package org.layerswap.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.layerswap.api.ApplianceControl;

@Command(scope = "layerswap", name = "predictor-use", description = "Switches prediction to another predictor without losing learned profiles")
@Service
public class PredictorUseCommand implements Action {

    @Reference
    ApplianceControl control;

    @Argument(index = 0, name = "name", description = "Predictor name (see layerswap:predictor-list)", required = true)
    @Completion(PredictorNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        return Operator.attempt(() -> {
            control.usePredictor(name);
            System.out.println("Predictor set to " + name + " (org.layerswap.profiler predictor=" + name + ")");
        });
    }
}
