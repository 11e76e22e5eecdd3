package org.layerswap.shell;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.layerswap.api.config.DataPaths;
import org.layerswap.replay.ReplayMain;
import org.layerswap.workload.ReportFolders;
import org.layerswap.workload.TraceDirectory;

/**
 * Replays a trace through the evaluator (baselines, oracles, predictors) with progress, and
 * writes the Markdown/CSV/PNG report. Same engine and options as the standalone replay CLI.
 * Trace files are read only from the traces directory ({@link TraceDirectory}, {@code ${karaf.data}/traces}): the
 * appliance runs as root. Reports written to the default location are pruned to the newest
 * {@code layerswap.replay.keepReports}.
 */
@Command(scope = "layerswap", name = "replay", description = "Replays a trace against every policy and writes a report")
@Service
public class ReplayCommand extends LayerswapCommand {

    @Argument(index = 0, name = "trace", required = true, description = "synthetic:days=1,functions=100,seed=1 | azure2019:<csv> | "
            + "azure2021:<csv> | jsonl:<file> | csv:<file> (files inside ${karaf.data}/traces, by name or path)")
    @Completion(value = StringsCompleter.class, values = {"synthetic:days=1,functions=100,seed=1", "azure2019:", "azure2021:", "jsonl:", "csv:"})
    String trace;

    @Option(name = "--budget", description = "Storage budget, e.g. 20GB")
    String budget;

    @Option(name = "--bandwidth", description = "Fetch link bandwidth, e.g. 100MB/s")
    String bandwidth;

    @Option(name = "--rtt", description = "Fetch round-trip time, e.g. 20ms")
    String rtt;

    @Option(name = "--unpack", description = "Unpack throughput, e.g. 200MB/s")
    String unpack;

    @Option(name = "--warmup", description = "Warm-up excluded from metrics, e.g. 1h")
    String warmup;

    @Option(name = "--policies", description = "Comma-separated policies (default: all baselines and oracles)")
    String policies;

    @Option(name = "--sweep", description = "Also sweep each policy's knob (fetch rate vs waste curves)")
    boolean sweep;

    @Option(name = "--no-charts", description = "Skip the PNG charts")
    boolean noCharts;

    @Option(name = "--out", description = "Report directory (default ${karaf.data}/replay/<time>)")
    String out;

    @Override
    void run() throws Exception {
        String confined;
        try {
            confined = TraceDirectory.ofSystem().confine(trace);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(TraceDirectory.sanitize(e.getMessage()));
        }
        List<String> args = new ArrayList<>(List.of("--trace", confined));
        add(args, "--budget", budget);
        add(args, "--bandwidth", bandwidth);
        add(args, "--rtt", rtt);
        add(args, "--unpack", unpack);
        add(args, "--warmup", warmup);
        add(args, "--policies", policies);
        if (sweep) {
            args.add("--sweep");
        }
        if (noCharts) {
            args.add("--no-charts");
        }
        Path reports = DataPaths.dataDir().resolve("replay");
        String dir = out != null ? out : reports.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).toString();
        args.add("--out");
        args.add(dir);
        try {
            ReplayMain.run(args.toArray(new String[0]), System.out, System.err);
        } finally {
            if (out == null) {
                ReportFolders.prune(reports, ReportFolders.keepFromSystem());
            }
        }
    }

    private static void add(List<String> args, String option, String value) {
        if (value != null) {
            args.add(option);
            args.add(value);
        }
    }
}
