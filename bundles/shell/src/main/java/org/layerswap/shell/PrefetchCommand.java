package org.layerswap.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.layerswap.api.LayerId;
import org.layerswap.api.SwapManager;

@Command(scope = "layerswap", name = "prefetch", description = "Prefetches a function's missing layers, or one layer by digest, in the background")
@Service
public class PrefetchCommand extends LayerswapCommand {

    @Reference(optional = true)
    SwapManager swapManager;

    @Argument(index = 0, name = "function|layer", required = true, description = "A function id or a layer digest (sha256:...)")
    @Completion(FunctionNameCompleter.class)
    String target;

    @Override
    void run() throws Exception {
        Operator.require(swapManager, "swap manager", "layerswap-swap");
        List<LayerId> started = swapManager.prefetch(target);
        System.out.println(started.isEmpty()
                ? "Nothing to prefetch for " + target + " (resident, already in flight, or all prefetch slots busy)"
                : "Prefetching " + started.size() + " layer(s): " + started.stream().map(LayerId::shortForm).toList());
    }
}
