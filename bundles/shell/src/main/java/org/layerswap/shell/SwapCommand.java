package org.layerswap.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.layerswap.api.LayerId;
import org.layerswap.api.SwapManager;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapRecord;

@Command(scope = "layerswap", name = "swap", description = "Swaps a function onto a new layer set: atomically, by shadowing a share of invocations, or keeping its writes")
@Service
public class SwapCommand extends LayerswapCommand {

    @Reference(optional = true)
    SwapManager swapManager;

    @Argument(index = 0, name = "function", required = true, description = "Function id")
    @Completion(FunctionNameCompleter.class)
    String function;

    @Argument(index = 1, name = "layers", required = true, multiValued = true, description = "Layer digests, base first")
    List<String> layers;

    @Option(name = "--shadow", description = "Run this percentage of invocations on the new set first (1..99), then promote or roll back")
    Double shadowPercent;

    @Option(name = "--mode", description = "atomic (default) | copy-on-write")
    @Completion(value = StringsCompleter.class, values = {"atomic", "copy-on-write"})
    String mode = "atomic";

    @Override
    void run() throws Exception {
        Operator.require(swapManager, "swap manager", "layerswap-swap");
        List<LayerId> ids = new ArrayList<>();
        for (String l : layers) {
            ids.add(LayerId.of(l));
        }
        SwapMode m;
        double share = 0;
        if (shadowPercent != null) {
            if (!(shadowPercent > 0 && shadowPercent < 100)) {
                throw new IllegalArgumentException("--shadow must be a percentage in (0,100), got " + shadowPercent);
            }
            m = SwapMode.SHADOW;
            share = shadowPercent / 100.0;
        } else {
            m = switch (mode.toLowerCase(Locale.ROOT)) {
                case "atomic" -> SwapMode.ATOMIC;
                case "copy-on-write", "cow" -> SwapMode.COPY_ON_WRITE;
                default -> throw new IllegalArgumentException("--mode '" + mode + "' is not valid; use atomic or copy-on-write");
            };
        }
        SwapRecord r = swapManager.swap(function, ids, m, share);
        System.out.printf("Swap #%d of %s (%s): %s in %.2f ms%s%n", r.id(), function, r.mode(), r.outcome(),
                r.durationMicros() / 1000.0, r.detail().isEmpty() ? "" : " - " + r.detail());
    }
}
