package org.layerswap.shell;

import java.time.Instant;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.SwapManager;
import org.layerswap.api.SwapRecord;

@Command(scope = "layerswap", name = "swaps", description = "Shows the swap history with outcomes, newest first")
@Service
public class SwapsCommand extends LayerswapCommand {

    @Reference(optional = true)
    SwapManager swapManager;

    @Option(name = "-n", aliases = "--limit", description = "How many swaps to show (1..10000)")
    int limit = 20;

    @Override
    void run() throws Exception {
        Operator.require(swapManager, "swap manager", "layerswap-swap");
        Operator.inRange("-n", limit, 1, 10_000);
        ShellTable table = new ShellTable();
        table.column("#").alignRight();
        table.column("Function");
        table.column("Mode");
        table.column("Outcome");
        table.column("Layers").alignRight();
        table.column("Duration").alignRight();
        table.column("Started");
        table.column("Detail");
        for (SwapRecord r : swapManager.swapHistory(limit)) {
            table.addRow().addContent(r.id(), r.functionId(), r.mode(), r.outcome(), r.fromLayers().size() + "->" + r.toLayers().size(),
                    String.format("%.2f ms", r.durationMicros() / 1000.0), Instant.ofEpochMilli(r.startedMillis()), r.detail());
        }
        table.print(System.out);
    }
}
