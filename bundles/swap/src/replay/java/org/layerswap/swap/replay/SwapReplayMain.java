package org.layerswap.swap.replay;

import java.nio.file.Path;
import java.util.function.Supplier;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.profiler.engine.PoissonPredictor;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.layerswap.replay.Policies;
import org.layerswap.replay.PolicySpec;
import org.layerswap.replay.ReplayConfig;
import org.layerswap.replay.ReplayResult;
import org.layerswap.replay.ReplayRunner;
import org.layerswap.replay.ReportWriter;
import org.layerswap.swap.SwapSettings;

/**
 * Replays a trace with the swap manager's planner ({@link SwapPlannerPolicy}) next to LRU and the
 * replay's own predictive policy on the same profiler. Args: trace spec [threshold] [outDir].
 */
public final class SwapReplayMain {

    private SwapReplayMain() {
    }

    private static PolicySpec spec(String name, Supplier<BehavioralProfiler> profiler, SwapSettings s, boolean plannerEviction,
                                   int onDemandMode) {
        return new PolicySpec(name, name.substring(0, name.indexOf('@')), s.threshold(), () -> {
            SwapPlannerPolicy p = new SwapPlannerPolicy(name, profiler, s, 1000, plannerEviction);
            p.tierMode = onDemandMode;
            return p;
        });
    }

    public static void main(String[] args) {
        String trace = args.length > 0 ? args[0] : "synthetic:days=1,functions=400,seed=1";
        double threshold = args.length > 1 ? Double.parseDouble(args[1]) : 0.5;
        Supplier<BehavioralProfiler> profiler = () -> new ProfilerEngine(ProfilerSettings.defaults(), new PoissonPredictor());
        SwapSettings s = SwapSettings.DEFAULT.withThreshold(threshold);
        ReplayConfig cfg = new ReplayConfig().trace(trace).warmupMillis(3_600_000L)
                .addPolicy(Policies.byName("lru", 60_000))
                .addPolicy(Policies.byName("oracle-clairvoyant", 60_000))
                .addPolicy(Policies.predictive("poisson", profiler, threshold))
                .addPolicy(spec("swap-manager@" + threshold, profiler, s, true, 3))
                .addPolicy(spec("swap-planner-evicts-all@" + threshold, profiler, s, true, 0))
                .addPolicy(spec("swap-planner+lru-evict@" + threshold, profiler, s, false, 0));
        if (args.length > 2) {
            cfg.outDir(Path.of(args[2]));
        }
        long t0 = System.currentTimeMillis();
        ReplayResult r = ReplayRunner.run(cfg, (phase, f) -> { });
        System.out.println(r.events() + " invocations, " + r.functions() + " functions, " + r.layers() + " layers; "
                + (System.currentTimeMillis() - t0) / 1000 + " s");
        System.out.println(ReportWriter.headline(r.results(), r.spanMillis()));
    }
}
