package org.layerswap.swap;

import java.util.ArrayList;
import java.util.List;

import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.testkit.FakeProfiler;

/** Builds the benchmark environment from the test fakes (package-private types). */
public final class BenchSupport {

    public record Env(SwapManagerCore core, List<String> functions) {
    }

    private BenchSupport() {
    }

    public static Env env(String scenario) throws InterruptedException {
        Fakes.Store store = new Fakes.Store();
        FakeProfiler profiler = new FakeProfiler();
        Fakes.Backend backend = new Fakes.Backend("fake");
        SwapSettings s = new SwapSettings(0.5, 4, 4, 64, false, false, 0.1, 50, 0.01, 0.1, 1000, CostModel.DEFAULT)
                .withNextUsePlanning(scenario.equals("nextUseQueue")); // the invocation queued for the next-use planner
        SwapManagerCore core = new SwapManagerCore(s, profiler, store, backend, System::currentTimeMillis);
        core.start();
        List<String> fns = new ArrayList<>();
        int layer = 1;
        LayerDescriptor base = Fakes.desc(layer++, 30_000_000);
        store.resident.add(base.id());
        for (int f = 0; f < 2000; f++) {
            List<LayerDescriptor> stack = new ArrayList<>();
            stack.add(base);
            for (int k = 0; k < 5; k++) {
                LayerDescriptor d = Fakes.desc(layer++, 1_000_000 + 1000L * k);
                stack.add(d);
                boolean missing = scenario.equals("ownLayersMissing") && k >= 3;
                if (!missing) {
                    store.resident.add(d.id());
                }
            }
            String fn = "fn-" + f;
            core.defineFunction(fn, "repo/" + fn, stack);
            fns.add(fn);
        }
        List<LayerId> scored = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            LayerDescriptor d = Fakes.desc(layer++, 2_000_000 + i);
            core.defineLayer("repo/data", d);
            scored.add(d.id());
            profiler.push(d.id(), 0.2 + 0.8 * ((i * 7919) % 5000) / 5000.0);
        }
        long end = System.nanoTime() + 10_000_000_000L;
        while (core.ranked().size() < 64 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        List<PrefetchPlanner.Planned> last = List.of();
        while (!last.equals(core.ranked()) && System.nanoTime() < end) { // wait until the ranking is stable
            last = core.ranked();
            Thread.sleep(300);
        }
        if (scenario.equals("staleRanking")) {
            for (PrefetchPlanner.Planned p : core.ranked()) {
                store.resident.add(p.id());
            }
            if (core.ranked().size() != 64 || !core.handleInvocation(fns.get(0), java.util.Map.of()).prefetched().isEmpty()) {
                throw new IllegalStateException("staleRanking scenario not set up: " + core.ranked().size() + " ranked");
            }
        } else {
            core.handleInvocation(fns.get(0), java.util.Map.of()); // fills the 4 prefetch slots (fetches never complete)
        }
        return new Env(core, fns);
    }
}
