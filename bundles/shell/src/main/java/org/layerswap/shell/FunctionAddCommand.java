package org.layerswap.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerSourceException;
import org.layerswap.api.SwapManager;

@Command(scope = "layerswap", name = "function-add", description = "Declares a function from an image of the configured layer source (or points it at a newer image)")
@Service
public class FunctionAddCommand extends LayerswapCommand {

    @Reference(optional = true)
    SwapManager swapManager;

    @Argument(index = 0, name = "function", required = true, description = "Function id")
    String function;

    @Argument(index = 1, name = "image", required = true, description = "Image reference, e.g. functions/thumbnail:1.2")
    String image;

    @Override
    void run() throws Exception {
        Operator.require(swapManager, "swap manager", "layerswap-swap");
        try {
            List<LayerId> layers = swapManager.defineFunction(function, image);
            System.out.println("Function " + function + " -> " + image + " (" + layers.size() + " layers)");
        } catch (LayerSourceException e) {
            throw new CommandFailure("cannot resolve image '" + image + "': " + e.getMessage(), e);
        }
    }
}
