package org.layerswap.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Command-line entry of the N-node replay ({@code ReplayMain} hands over when {@code --nodes} is given): the replay
 * options plus the cluster's; runs every policy on one node and on each cluster configuration, prints the
 * {@link ClusterReport} table and writes {@code cluster.md} and {@code cluster.csv} to {@code --out}.
 */
public final class ClusterReplayMain {

    static final String USAGE = """
            usage: replay --trace <spec> --nodes 1,3,8,16 [cluster options] [replay options, see replay --help]
              --nodes N,N,..              cluster sizes, 1..64 (a 1-node run per policy is always added)
              --placement hash,random     hash: consistent hash with bounded load per function (sticky);
                                          random: each invocation on a uniformly random node (default: both)
              --peer-cache on,off         a layer held by another node is copied from it over the LAN (default: both)
              --lan 1GB/s                 LAN bandwidth into a node (default 1GB/s)
              --lan-rtt 0.2ms             LAN round trip (us, ms or s; default 0.2ms)
              --load-slack 0.25           bounded load: at most ceil((1 + slack) x average) functions per node
              --placement-seed 1          seed of the random placement
            """;

    private ClusterReplayMain() {
    }

    /** The parsed command line: the replay settings and the cluster configurations. */
    record Options(ReplaySettings replay, List<ClusterSpec> clusters) {
    }

    static Options parse(String[] args) {
        List<String> rest = new ArrayList<>();
        Set<Integer> sizes = new LinkedHashSet<>();
        List<ClusterPlacement> placements = new ArrayList<>();
        List<Boolean> peers = new ArrayList<>();
        double lanBw = PeerLink.defaults().bandwidthBytesPerSec();
        double lanRtt = PeerLink.defaults().rttMillis();
        double slack = ClusterSpec.DEFAULT_LOAD_SLACK;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.equals("--nodes") && !a.equals("--placement") && !a.equals("--peer-cache") && !a.equals("--lan")
                    && !a.equals("--lan-rtt") && !a.equals("--load-slack") && !a.equals("--placement-seed")) {
                rest.add(a);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value\n" + USAGE);
            }
            String v = args[++i];
            switch (a) {
                case "--nodes" -> {
                    for (String s : v.split(",")) {
                        sizes.add(integer(a, s));
                    }
                }
                case "--placement" -> {
                    for (String s : v.split(",")) {
                        placements.add(ClusterPlacement.parse(s));
                    }
                }
                case "--peer-cache" -> {
                    for (String s : v.split(",")) {
                        peers.add(switch (s.trim()) {
                            case "on" -> true;
                            case "off" -> false;
                            default -> throw new IllegalArgumentException("--peer-cache takes on, off or on,off; got '" + s + "'");
                        });
                    }
                }
                case "--lan" -> lanBw = Units.bytesPerSecond(v);
                case "--lan-rtt" -> lanRtt = rttMillis(v);
                case "--load-slack" -> slack = number(a, v);
                default -> seed = integer(a, v);
            }
        }
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("--nodes is required for a cluster replay\n" + USAGE);
        }
        if (placements.isEmpty()) {
            placements = List.of(ClusterPlacement.HASH, ClusterPlacement.RANDOM);
        }
        if (peers.isEmpty()) {
            peers = List.of(true, false);
        }
        PeerLink lan = new PeerLink(lanBw, lanRtt);
        List<ClusterSpec> clusters = new ArrayList<>();
        clusters.add(new ClusterSpec(1, ClusterPlacement.HASH, true, lan, slack, seed));
        for (int n : sizes) {
            if (n == 1) {
                continue;
            }
            for (ClusterPlacement p : placements) {
                for (boolean peer : peers) {
                    clusters.add(new ClusterSpec(n, p, peer, lan, slack, seed));
                }
            }
        }
        return new Options(ReplayMain.parse(rest.toArray(String[]::new)), clusters);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                out.print(USAGE);
                return 0;
            }
        }
        boolean quiet = List.of(args).contains("--quiet");
        Options o = parse(args);
        ReplaySettings cfg = o.replay();
        ProgressListener progress = quiet ? ProgressListener.NONE : new ReplayMain.ConsoleProgress(err);
        long t0 = System.currentTimeMillis();
        EventTable tab = ReplayRunner.load(cfg, progress);
        long loadMillis = System.currentTimeMillis() - t0;
        List<ClusterResult> results = replayAll(tab, cfg, o.clusters(), progress);
        if (!quiet) {
            err.println();
        }
        PeerLink lan = o.clusters().get(0).lan();
        NodeSettings n = cfg.node();
        String header = String.format(Locale.ROOT, "%s: %d invocations, %d functions, %d layers (%.2f GB); every node: "
                        + "budget %.3f GB, registry link %.0f MB/s, RTT %.0f ms, unpack %.0f MB/s; LAN %.0f MB/s, RTT %.2f ms; "
                        + "warm-up %d s; load %.1f s, replay %.1f s",
                cfg.trace(), tab.size(), tab.functionCount(), tab.layerCount(), tab.totalLayerBytes() / 1e9,
                n.budgetBytes() / 1e9, n.bandwidthBytesPerSec() / 1e6, n.rttMillis(), n.unpackBytesPerSec() / 1e6,
                lan.bandwidthBytesPerSec() / 1e6, lan.rttMillis(), cfg.warmupMillis() / 1000, loadMillis / 1000.0,
                (System.currentTimeMillis() - t0 - loadMillis) / 1000.0);
        out.println(header);
        out.print(ClusterReport.markdown(results));
        if (cfg.outDir() != null) {
            try {
                ClusterReport.write(results, header, cfg.outDir());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the report to " + cfg.outDir() + ": " + e.getMessage(), e);
            }
            out.println("report: " + cfg.outDir().resolve("cluster.md").toAbsolutePath());
        }
        return 0;
    }

    /** Every policy on every configuration, on {@code cfg.threads()} threads; results policy by policy, spec order. */
    static List<ClusterResult> replayAll(EventTable tab, ReplaySettings cfg, List<ClusterSpec> clusters,
                                         ProgressListener progress) {
        List<PolicySpec> policies = cfg.policies();
        AtomicLong done = new AtomicLong();
        List<Callable<ClusterResult>> tasks = new ArrayList<>();
        for (PolicySpec p : policies) {
            for (ClusterSpec c : clusters) {
                tasks.add(() -> ClusterReplay.run(tab, cfg.node(), cfg.warmupMillis(), p, c, done));
            }
        }
        return ReplayRunner.runAll(tasks, cfg.threads(), done, (long) tab.size() * tasks.size(), "cluster replay",
                progress);
    }

    /** A LAN round trip in ms from {@code 200us}, {@code 0.2ms} or {@code 0.0002s}. */
    static double rttMillis(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        double scale = 1;
        if (s.endsWith("us")) {
            scale = 1e-3;
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("ms")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            scale = 1e3;
            s = s.substring(0, s.length() - 1);
        } else {
            throw new IllegalArgumentException("--lan-rtt needs a unit (us, ms or s); got '" + v + "'");
        }
        double ms = number("--lan-rtt", s) * scale;
        if (!(ms >= 0) || Double.isInfinite(ms)) {
            throw new IllegalArgumentException("--lan-rtt must be >= 0; got '" + v + "'");
        }
        return ms;
    }

    private static int integer(String option, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer; got '" + v + "'", e);
        }
    }

    private static double number(String option, String v) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number; got '" + v + "'", e);
        }
    }
}
