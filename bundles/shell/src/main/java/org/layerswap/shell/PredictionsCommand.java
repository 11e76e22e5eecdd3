package org.layerswap.shell;

import java.time.Instant;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.PredictionScore;

@Command(scope = "layerswap", name = "predictions", description = "Shows the highest layer scores: P(layer needed within the window)")
@Service
public class PredictionsCommand extends LayerswapCommand {

    @Reference(optional = true)
    BehavioralProfiler profiler;

    @Option(name = "-k", aliases = "--top", description = "How many layers to show (1..1000)")
    int k = 20;

    @Override
    void run() throws Exception {
        Operator.require(profiler, "behavioral profiler", "layerswap-profiler");
        Operator.inRange("-k", k, 1, 1000);
        System.out.println("Predictor " + profiler.activePredictor() + ", window " + profiler.windowMillis() / 1000 + " s, "
                + profiler.scores().size() + " layers scored");
        ShellTable table = new ShellTable();
        table.column("#").alignRight();
        table.column("Layer");
        table.column("Score").alignRight();
        table.column("As of");
        int i = 1;
        for (PredictionScore s : profiler.topK(k)) {
            table.addRow().addContent(i++, s.layerId().digest(), String.format("%.4f", s.score()), Instant.ofEpochMilli(s.timestampMillis()));
        }
        table.print(System.out);
    }
}
