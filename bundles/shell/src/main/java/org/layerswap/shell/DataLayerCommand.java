package org.layerswap.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.layerswap.api.ApplianceControl;

/**
 * The arguments {@code layerswap:bind} and {@code layerswap:unbind} share: which function's parameter value
 * (indices 0-2; Karaf reads {@code @Argument}s of superclasses too). Both act through {@link ApplianceControl},
 * which validates and names a bad argument.
 */
abstract class DataLayerCommand extends LayerswapCommand {

    @Reference
    ApplianceControl control;

    @Argument(index = 0, name = "function", required = true, description = "A defined function id")
    @Completion(FunctionNameCompleter.class)
    String function;

    @Argument(index = 1, name = "param", required = true, description = "The input parameter's name")
    String param;

    @Argument(index = 2, name = "value", required = true, description = "The parameter value that selects the data layer")
    String value;
}
