package org.layerswap.replay;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Command-line entry, runnable without Karaf (see {@code bundles/replay/replay.sh}).
 *
 * <pre>
 * replay.sh --trace azure2019:../shared/data/azure2019-1350-invocations.csv \
 *           --budget 20GB --bandwidth 100MB/s --rtt 20ms --unpack 200MB/s --warmup 1h \
 *           --out target/replay-azure2019 [--policies lru,keepalive-10m,...] [--sweep]
 * </pre>
 */
public final class ReplayMain {

    private ReplayMain() {
    }

    static final String USAGE = """
            usage: replay --trace <spec> [options]
              --trace azure2019:<file>[,<file>..] | azure2021:<file> | jsonl:<file> | csv:<file>
                      | synthetic:days=14,functions=400,seed=1
              --layers <mapping.csv>      explicit function->layers mapping (others use the layer model)
              --layer-seed N              layer model seed (default 1)
              --seed N                    trace expansion seed (Azure 2019 minute spreading; default 1)
              --budget 20GB               node storage budget
              --bandwidth 100MB/s         fetch link bandwidth
              --rtt 20ms                  round-trip time
              --unpack 200MB/s            unpack rate
              --warmup 1h                 excluded from metrics
  --span 12h                  replay only the trace's first 12 h (tune on a prefix, hold out the rest)
              --oracle-horizon 1m         clairvoyant prefetch look-ahead
              --policies a,b,...          default: %s
                                          also keepalive-<dur>, predictive:<BehavioralProfiler class>[@threshold],
                                          predictive:poisson|histogram|markov|encog[@threshold],
                                          swap-manager[:poisson|histogram|markov|encog][@threshold] (the swap
                                          manager's own planners; default predictor markov, threshold 0.5)
              --decision-interval 1s      predictive policies: trace time between prefetch decisions
              --fetch-budget 1.5          swap-manager: fetched bytes at most this many times a plain LRU
                                          cache's on the same requests (0: no budget; default 1.5)
              --calibration-interval 15m  predictive policies: trace time between calibration samples
              --sweep                     sweep each policy family's knob
              --threads N                 parallel policy replays (default: cores)
              --out <dir>                 report directory (default replay-report)
              --no-charts                 skip PNG charts
              --quiet                     no progress on stderr
              --nodes 1,3,8,16            N-node cluster replay instead (options: --nodes 1 --help)
            """.formatted(String.join(",", Policies.STANDARD));

    public static void main(String[] args) {
        try {
            System.exit(run(args, System.out, System.err));
        } catch (IllegalArgumentException e) {
            System.err.println("replay: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * The replay configuration the CLI options describe (the web console starts replay jobs with the
     * same options); refuses a bad option with a message naming it.
     */
    public static ReplaySettings parse(String[] args) {
        ReplaySettings cfg = new ReplaySettings();
        long budget = 20_000_000_000L;
        double bw = 100e6;
        double rtt = 20;
        double unpack = 200e6;
        Path outDir = Path.of("replay-report");
        String policies = null;
        double fetchBudget = SwapPlanners.DEFAULT_FETCH_BUDGET_VS_LRU;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--sweep" -> cfg.sweep(true);
                case "--quiet" -> { }
                case "--no-charts" -> cfg.charts(false);
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("option " + a + " needs a value\n" + USAGE);
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--trace" -> cfg.trace(v);
                        case "--layers" -> cfg.layerMapping(Path.of(v));
                        case "--layer-seed" -> cfg.layerModelSeed(Long.parseLong(v));
                        case "--seed" -> cfg.traceSeed(Long.parseLong(v));
                        case "--budget" -> budget = Units.bytes(v);
                        case "--bandwidth" -> bw = Units.bytesPerSecond(v);
                        case "--rtt" -> rtt = Units.millis(v.matches(".*[a-zA-Z]$") ? v : v + "ms");
                        case "--unpack" -> unpack = Units.bytesPerSecond(v);
                        case "--warmup" -> cfg.warmupMillis(Units.millis(v));
                        case "--span" -> cfg.spanMillis(Units.millis(v));
                        case "--oracle-horizon" -> cfg.oracleHorizonMillis(Units.millis(v));
                        case "--policies" -> policies = v;
                        case "--decision-interval" -> cfg.decisionIntervalMillis(Units.millis(v));
                        case "--calibration-interval" -> cfg.calibrationIntervalMillis(Units.millis(v));
                        case "--fetch-budget" -> fetchBudget = fetchBudget(v);
                        case "--threads" -> cfg.threads(Integer.parseInt(v));
                        case "--out" -> outDir = Path.of(v);
                        default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
                    }
                }
            }
        }
        if (cfg.trace() == null) {
            throw new IllegalArgumentException("--trace is required\n" + USAGE);
        }
        cfg.node(new NodeSettings(budget, bw, rtt, unpack)).outDir(outDir);
        if (policies != null) {
            for (String p : policies.split(",")) {
                if (!p.isBlank()) {
                    cfg.addPolicy(Policies.byName(p, cfg.oracleHorizonMillis(), cfg.decisionIntervalMillis(),
                            cfg.calibrationIntervalMillis(), fetchBudget));
                }
            }
        }
        return cfg;
    }

    /** {@code --fetch-budget}'s value: finite and >= 0, or a clear error naming the option. */
    private static double fetchBudget(String v) {
        double r;
        try {
            r = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--fetch-budget: '" + v + "' is not a number (times LRU's bytes; 0: none)");
        }
        if (!(r >= 0) || Double.isInfinite(r)) {
            throw new IllegalArgumentException("--fetch-budget: " + v + " must be finite and >= 0 (0: no budget)");
        }
        return r;
    }

    /** Runs the CLI with its options; the Karaf command layerswap:replay calls this too. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (java.util.List.of(args).contains("--nodes")) {
            return ClusterReplayMain.run(args, out, err);
        }
        boolean quiet = false;
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                out.print(USAGE);
                return 0;
            }
            quiet |= a.equals("--quiet");
        }
        ReplaySettings cfg = parse(args);
        Path outDir = cfg.outDir();
        ProgressListener progress = quiet ? ProgressListener.NONE : new ConsoleProgress(err);
        ReplayResult r = ReplayRunner.run(cfg, progress);
        if (!quiet) {
            err.println();
        }
        out.printf(Locale.ROOT, "%d invocations, %d functions, %d layers; load %.1f s, replay %.1f s (%d runs, %d threads): "
                        + "%.0f invocations/s%n", r.events(), r.functions(), r.layers(), r.loadMillis() / 1000.0,
                r.replayMillis() / 1000.0, r.results().size() + r.sweep().size(), r.threads(), r.eventsPerSecond());
        out.print(ReportWriter.headline(r.results(), r.spanMillis()));
        out.println("report: " + outDir.resolve("report.md").toAbsolutePath());
        return 0;
    }

    /** Percent progress on one stderr line. */
    static final class ConsoleProgress implements ProgressListener {
        private final PrintStream err;
        private String phase = "";
        private int last = -1;

        ConsoleProgress(PrintStream err) {
            this.err = err;
        }

        @Override
        public synchronized void progress(String ph, double fraction) {
            int pct = (int) Math.floor(100 * Math.max(0, Math.min(1, fraction)));
            if (!ph.equals(phase)) {
                if (!phase.isEmpty()) {
                    err.println();
                }
                phase = ph;
                last = -1;
            }
            if (pct != last) {
                last = pct;
                int bars = pct / 5;
                err.print("\r" + ph + " [" + "#".repeat(bars) + " ".repeat(20 - bars) + "] " + pct + "%");
                err.flush();
            }
        }
    }
}
