package org.layerswap.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.layerswap.api.ApplianceControl;
import org.layerswap.api.DataLayerBinding;

@Command(scope = "layerswap", name = "unbind", description = "Removes a data layer binding: invocations with param=value run on the"
        + " function's own layers again; its variant roots are removed once no invocation uses them")
@Service
public class UnbindCommand extends LayerswapCommand {

    @Reference
    ApplianceControl control;

    @Argument(index = 0, name = "function", required = true, description = "A defined function id")
    @Completion(FunctionNameCompleter.class)
    String function;

    @Argument(index = 1, name = "param", required = true, description = "The input parameter's name")
    String param;

    @Argument(index = 2, name = "value", required = true, description = "The bound parameter value (see layerswap:bindings)")
    String value;

    @Override
    void run() throws Exception {
        DataLayerBinding b = control.unbindDataLayer(function, param, value);
        System.out.println("Function " + function + ": " + param + "=" + value + " no longer selects " + b.reference() + " ("
                + b.layers().size() + " data layer(s))");
    }
}
