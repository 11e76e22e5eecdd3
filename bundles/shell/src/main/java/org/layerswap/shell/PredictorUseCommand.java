package org.layerswap.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "layerswap", name = "predictor-use", description = "Switches prediction to another predictor without losing learned profiles")
@Service
public class PredictorUseCommand extends ChoiceUseCommand {

    @Argument(index = 0, name = "name", description = "Predictor name (see layerswap:predictor-list)", required = true)
    @Completion(PredictorNameCompleter.class)
    String name;

    public PredictorUseCommand() {
        super("Predictor", "org.layerswap.profiler predictor");
    }

    @Override
    String chosen() {
        return name;
    }

    @Override
    void use(String name) {
        control.usePredictor(name);
    }
}
