package org.layerswap.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.layerswap.api.LayerId;

@Command(scope = "layerswap", name = "bind", description = "Binds a data layer to an input parameter value: invocations of the function"
        + " with param=value run with the data layer(s) on top, in a variant root of their own")
@Service
public class BindCommand extends DataLayerCommand {

    @Argument(index = 3, name = "image-or-digest", required = true,
            description = "An image of the layer source (its layers the function does not have) or a known layer digest (sha256:...)")
    String reference;

    @Override
    void run() throws Exception {
        List<LayerId> layers = control.bindDataLayer(function, param, value, reference);
        System.out.println("Function " + function + ": " + param + "=" + value + " -> " + reference + " (" + layers.size()
                + " data layer(s): " + String.join(" ", layers.stream().map(LayerId::shortForm).toList()) + ")");
    }
}
