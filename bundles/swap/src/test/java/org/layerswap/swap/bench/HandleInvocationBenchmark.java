package org.layerswap.swap.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.layerswap.api.InvocationPlan;
import org.layerswap.swap.BenchSupport;
import org.layerswap.swap.SwapManagerCore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Decision time of {@link SwapManagerCore#handleInvocation} with 2,000 functions x 6 layers (a shared
 * base) and 5,000 scored layers, against in-memory fakes of the store and profiler.
 * <ul>
 * <li>{@code saturated}: prefetch slots are full (the usual state under load): the call looks up the
 *     stack, checks residency and stops.</li>
 * <li>{@code staleRanking}: the 64 ranked candidates all became resident since the last ranking: the
 *     call checks all 64 (the worst case of the scan).</li>
 * <li>{@code ownLayersMissing}: two of the function's layers are missing: two on-demand fetch calls.</li>
 * <li>{@code nextUseQueue}: {@code nextUsePlanning} on (the default): no ranked scan; the invocation is queued for
 *     the planner thread (bounded inbox, one wake-up per batch), which plans its function meanwhile on the other
 *     core.</li>
 * </ul>
 * The baseline {@code mapLookupOnly} reads the function's stack only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HandleInvocationBenchmark {

    @Param({"saturated", "staleRanking", "ownLayersMissing", "nextUseQueue"})
    public String scenario;

    private BenchSupport.Env env;
    private SwapManagerCore core;
    private final List<String> functions = new ArrayList<>();
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        env = BenchSupport.env(scenario);
        core = env.core();
        functions.addAll(env.functions());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        core.close();
    }

    @Benchmark
    public InvocationPlan handleInvocation() {
        String fn = functions.get(next++ % functions.size());
        return core.handleInvocation(fn, Map.of());
    }

    @Benchmark
    public Object mapLookupOnly() {
        String fn = functions.get(next++ % functions.size());
        return core.functionLayers().layersOf(fn);
    }

}
