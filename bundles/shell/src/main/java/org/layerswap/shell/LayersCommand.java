package org.layerswap.shell;

import java.util.Comparator;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.LayerStore;
import org.layerswap.api.LayerStoreStats;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.ResidentLayer;

@Command(scope = "layerswap", name = "layers", description = "Shows resident layers (size, score, references) and the storage budget")
@Service
public class LayersCommand extends LayerswapCommand {

    @Reference(optional = true)
    LayerStore store;

    @Reference(optional = true)
    BehavioralProfiler profiler;

    @Override
    void run() throws Exception {
        Operator.require(store, "layer store", "layerswap-store");
        LayerStoreStats s = store.stats();
        System.out.printf("Storage %s of %s used; pulled %s; %d hits, %d misses, %d evictions, %d verify failures, %d queued%n",
                Units.bytes(s.usedBytes()), Units.bytes(s.budgetBytes()), Units.bytes(s.bytesPulled()), s.hits(), s.misses(),
                s.evictions(), s.verifyFailures(), s.queuedFetches());
        ShellTable table = new ShellTable();
        table.column("Layer");
        table.column("Size").alignRight();
        table.column("Unpacked").alignRight();
        table.column("Score").alignRight();
        table.column("Refs").alignRight();
        for (ResidentLayer l : store.resident().stream().sorted(Comparator.comparing(ResidentLayer::id)).toList()) {
            String score = profiler == null ? "-"
                    : profiler.score(l.id()).map(PredictionScore::score).map(p -> String.format("%.3f", p)).orElse("0");
            table.addRow().addContent(l.id().digest(), Units.bytes(l.sizeBytes()), Units.bytes(l.unpackedBytes()), score, l.refCount());
        }
        table.print(System.out);
    }
}
