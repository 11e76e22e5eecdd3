package org.layerswap.shell;

import java.util.List;
import java.util.TreeSet;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.FunctionProfile;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerStore;
import org.layerswap.api.SwapManager;

@Command(scope = "layerswap", name = "functions", description = "Lists functions: layers, how many are resident, invocations and P(run within the window)")
@Service
public class FunctionsCommand extends LayerswapCommand {

    @Reference(optional = true)
    SwapManager swapManager;

    @Reference(optional = true)
    BehavioralProfiler profiler;

    @Reference(optional = true)
    LayerStore store;

    @Override
    void run() throws Exception {
        Operator.require(swapManager, "swap manager", "layerswap-swap");
        FunctionLayerMap map = swapManager.functionLayers();
        ShellTable table = new ShellTable();
        table.column("Function");
        table.column("Layers").alignRight();
        table.column("Resident").alignRight();
        table.column("Invocations").alignRight();
        table.column("P(window)").alignRight();
        for (String fn : new TreeSet<>(map.functions())) {
            List<LayerId> layers = map.layersOf(fn);
            long resident = store == null ? 0 : layers.stream().filter(store::isResident).count();
            FunctionProfile p = profiler == null || profiler.profiles() == null ? null : profiler.profiles().profile(fn);
            table.addRow().addContent(fn, layers.size(), store == null ? "-" : resident + "/" + layers.size(),
                    p == null ? 0 : p.invocationCount(),
                    profiler == null ? "-" : String.format("%.3f", profiler.functionProbability(fn)));
        }
        System.out.println(map.size() + " function(s)");
        table.print(System.out);
    }
}
