package org.layerswap.shell;

import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.layerswap.api.ServiceInfo;

/** Completes the names of installed predictors. */
@Service
public class PredictorNameCompleter extends ChoiceNameCompleter {

    @Override
    Stream<String> names() {
        return control.predictors().stream().map(ServiceInfo::name).filter(n -> !n.isEmpty());
    }
}
