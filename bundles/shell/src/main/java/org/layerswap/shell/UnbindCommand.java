package org.layerswap.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.layerswap.api.DataLayerBinding;

@Command(scope = "layerswap", name = "unbind", description = "Removes a data layer binding: invocations with param=value run on the"
        + " function's own layers again; its variant roots are removed once no invocation uses them")
@Service
public class UnbindCommand extends DataLayerCommand {

    @Override
    void run() throws Exception {
        DataLayerBinding b = control.unbindDataLayer(function, param, value);
        System.out.println("Function " + function + ": " + param + "=" + value + " no longer selects " + b.reference() + " ("
                + b.layers().size() + " data layer(s))");
    }
}
