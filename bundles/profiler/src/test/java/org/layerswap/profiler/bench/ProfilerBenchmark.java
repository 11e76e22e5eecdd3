package org.layerswap.profiler.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.FunctionProfile;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;
import org.layerswap.profiler.engine.Estimators;
import org.layerswap.profiler.engine.PoissonPredictor;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ingest throughput and per-event update latency of {@link ProfilerEngine#record}: one thread (one core),
 * each operation records one event (profile, co-occurrence crediting, predictor observe, rescoring of the
 * function and its followers, layer log-sum updates).
 *
 * <p>Workload: 2,000 functions with Zipf(1) popularity at 2,000 events/s of event time (so up to
 * {@code maxRecentScan} functions (default 8; -Dbench.maxRecentScan=N) are credited as predecessors on
 * every event, the worst case),
 * 200 chains (B follows A with p = 0.8 after ~1 s), 5 layers per function out of a pool where every
 * function shares one of 10 base layers (a base layer has ~200 functions). Predictors: the built-in
 * Poisson estimate, the histogram hazard (the histogram predictor's whole body) and hazard + chain
 * lift (the Markov predictor's whole body), so the benchmark needs no predictor bundle.
 *
 * <p>Run: {@code mvn -B -f bundles/pom.xml -pl profiler -am -Pbench verify -DskipTests} (see docs/predictors.md).
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class ProfilerBenchmark {

    static final int FUNCTIONS = 2_000;
    static final int EVENTS = 1 << 20;

    @Param({"poisson", "histogram", "markov"})
    public String predictor;

    private ProfilerEngine engine;
    private String[] fns;
    private long[] gaps;
    private int i;
    private long t;

    static Predictor named(String name) {
        switch (name) {
            case "poisson":
                return new PoissonPredictor();
            case "histogram":
                return new Predictor() {
                    @Override
                    public String name() {
                        return "histogram";
                    }

                    @Override
                    public double probability(ProfileView v, String f, long now, long w) {
                        return Estimators.clamp(Estimators.histogramHazard(v.profile(f), now, w));
                    }
                };
            case "markov":
                return new Predictor() {
                    @Override
                    public String name() {
                        return "markov";
                    }

                    @Override
                    public double probability(ProfileView v, String fn, long now, long w) {
                        FunctionProfile f = v.profile(fn);
                        if (f == null) {
                            return 0;
                        }
                        double self = Estimators.clamp(Estimators.histogramHazard(f, now, w));
                        return Estimators.clamp(1 - (1 - self) * (1 - Estimators.chainLift(v, f, now, w)));
                    }
                };
            default:
                throw new IllegalArgumentException("unknown predictor " + name);
        }
    }

    static LayerId layer(int i) {
        return LayerId.of(String.format("sha256:%064x", i));
    }

    @Setup(Level.Trial)
    public void setup() {
        Random r = new Random(1);
        // Zipf(1) popularity
        double[] cdf = new double[FUNCTIONS];
        double sum = 0;
        for (int f = 0; f < FUNCTIONS; f++) {
            sum += 1.0 / (f + 1);
            cdf[f] = sum;
        }
        String[] ids = new String[FUNCTIONS];
        Map<String, List<LayerId>> stacks = new HashMap<>();
        for (int f = 0; f < FUNCTIONS; f++) {
            ids[f] = "fn-" + f;
            List<LayerId> ls = new ArrayList<>();
            ls.add(layer(f % 10)); // shared base layer
            ls.add(layer(10 + f % 100)); // runtime layer shared by ~20
            for (int k = 0; k < 3; k++) {
                ls.add(layer(1_000 + f * 3 + k)); // own layers
            }
            stacks.put(ids[f], ls);
        }
        fns = new String[EVENTS];
        gaps = new long[EVENTS];
        int n = 0;
        while (n < EVENTS) {
            double u = r.nextDouble() * sum;
            int lo = 0;
            int hi = FUNCTIONS - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cdf[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            fns[n] = ids[lo];
            gaps[n++] = (long) (-Math.log(1 - r.nextDouble()) * 0.5); // 2 events per ms
            if (lo < 200 && n < EVENTS && r.nextDouble() < 0.8) { // chain: fn-k -> fn-(1000+k)
                fns[n] = ids[1_000 + lo];
                gaps[n++] = 1;
            }
        }
        // live configuration: listener deliveries coalesced on their own thread, off the ingest path
        ExecutorService notifier = Executors.newSingleThreadExecutor(r2 -> {
            Thread th = new Thread(r2, "bench-notifier");
            th.setDaemon(true);
            return th;
        });
        ProfilerSettings settings = ProfilerSettings.defaults()
                .withMaxRecentScan(Integer.getInteger("bench.maxRecentScan", ProfilerSettings.defaults().maxRecentScan()));
        engine = new ProfilerEngine(settings, named(predictor), notifier);
        engine.updateFunctionLayers(FunctionLayerMap.of(stacks));
        engine.subscribe(changed -> { }); // a subscriber: dirty tracking and coalesced delivery are exercised
        // warm the model with one pass so co-occurrence rows and histograms are populated
        for (int k = 0; k < EVENTS; k++) {
            t += gaps[k];
            engine.record(new InvocationEvent(fns[k], t, Map.of(), ""));
        }
    }

    @Benchmark
    @BenchmarkMode({Mode.Throughput})
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void ingestThroughput() {
        recordOne();
    }

    @Benchmark
    @BenchmarkMode({Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void ingestLatency() {
        recordOne();
    }

    private void recordOne() {
        int k = i;
        i = (k + 1) & (EVENTS - 1);
        t += gaps[k];
        engine.record(new InvocationEvent(fns[k], t, Map.of(), ""));
    }
}
