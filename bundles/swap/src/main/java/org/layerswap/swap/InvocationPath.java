package org.layerswap.swap;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerStore;
import org.layerswap.api.RootLease;

/**
 * The swap manager's invocation path, split from {@link SwapManagerCore}: {@link #plan} an invocation, then
 * {@link #enter} its root.
 * <ul>
 *   <li>plan: the function's stack with the data layers its parameters select ({@link VariantRoots}), or else the
 *   shadow candidate stack when a shadow rollout picks this invocation; the experiment arm from the feedback loop;
 *   on-demand fetches for the missing layers; without {@code nextUsePlanning} the ranked prefetches (none for the
 *   control arm); the invocation handed to the next-use planner ({@link Invoked});</li>
 *   <li>enter: waits (bounded) for the missing layers, holding each from its fetch on, pins the variant, shadow candidate or function root (composing
 *   it first when needed), and counts the invocation in flight until its lease closes.</li>
 * </ul>
 * Invariants: {@link #plan} never waits for a fetch and scans no score (the ranked list is precomputed on the worker);
 * each plan gets the next sequence number (the arm assignment and shadow pick depend on it); {@link #inFlight} counts
 * the leases from {@link #enter} not closed yet. Any thread.
 */
final class InvocationPath {

    /** Told of each planned invocation (the next-use planner's queue; see {@link PlannerWakeUps#invoked}). */
    @FunctionalInterface
    interface Invoked {
        void invoked(String functionId, Map<LayerId, Double> optional, List<LayerId> selected);
    }

    private final Supplier<SwapSettings> settings;
    private final BehavioralProfiler profiler;
    private final LayerStore store;
    private final LayerCatalog catalog;
    private final VariantRoots variants;
    private final SwapRunner swaps;
    private final FetchCoordinator fetches;
    private final Supplier<FeedbackLoop> feedback;
    private final Supplier<List<PrefetchPlanner.Planned>> ranked;
    private final Invoked planner;
    private final AtomicLong seq = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicInteger> live = new ConcurrentHashMap<>();

    /**
     * @param feedback the feedback loop now (null: none, every invocation is in {@link ExperimentArm#NONE})
     * @param ranked   the ranked prefetch candidates now (used without {@code nextUsePlanning})
     */
    InvocationPath(Supplier<SwapSettings> settings, BehavioralProfiler profiler, LayerStore store, LayerCatalog catalog,
                   VariantRoots variants, SwapRunner swaps, FetchCoordinator fetches, Supplier<FeedbackLoop> feedback,
                   Supplier<List<PrefetchPlanner.Planned>> ranked, Invoked planner) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.profiler = Objects.requireNonNull(profiler, "profiler");
        this.store = Objects.requireNonNull(store, "store");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.variants = Objects.requireNonNull(variants, "variants");
        this.swaps = Objects.requireNonNull(swaps, "swaps");
        this.fetches = Objects.requireNonNull(fetches, "fetches");
        this.feedback = Objects.requireNonNull(feedback, "feedback");
        this.ranked = Objects.requireNonNull(ranked, "ranked");
        this.planner = Objects.requireNonNull(planner, "planner");
    }

    /** What the invocation of {@code functionId} with {@code inputParams} (may be null) runs on; never waits. */
    InvocationPlan plan(String functionId, Map<String, String> inputParams) {
        long t0 = System.nanoTime();
        SwapSettings s = settings.get();
        long n = seq.incrementAndGet();
        List<LayerId> own = catalog.stackOf(functionId);
        List<LayerId> layers = variants.withDataLayers(functionId, own, inputParams);
        List<LayerId> selected = layers == own ? List.of() : layers.subList(own.size(), layers.size());
        if (layers == own) { // invocations with data layers stay out of shadow rollouts
            layers = swaps.shadows().pick(functionId, n, own);
        }
        FeedbackLoop fb = feedback.get();
        ExperimentArm arm = fb == null ? ExperimentArm.NONE : fb.assign(functionId, n);
        List<LayerId> missing = List.of();
        for (int i = 0; i < layers.size(); i++) {
            LayerId l = layers.get(i);
            if (!store.isResident(l)) {
                missing = FetchCoordinator.add(missing, l, layers.size());
                fetches.fetchOnDemand(functionId, l, arm);
            }
        }
        List<LayerId> prefetched = List.of();
        Map<LayerId, Double> optional = Map.of();
        if (arm != ExperimentArm.CONTROL && s.maxPrefetchesPerInvocation() > 0) {
            optional = profiler.optionalLayers(functionId, inputParams == null ? Map.of() : inputParams);
            if (!s.nextUsePlanning()) { // with it, the planner times the data layers from the function's next use
                prefetched = fetches.startPrefetches(functionId, optional, ranked.get(), s, arm,
                        s.composeAhead() ? l -> variants.predicted(functionId, l) : null);
            }
        }
        planner.invoked(functionId, optional, selected);
        return new InvocationPlan(functionId, layers, missing, prefetched, arm, System.nanoTime() - t0);
    }

    /**
     * Waits at most {@code timeoutMillis} for the plan's missing layers, then pins its root (timings in the lease). The
     * missing layers are held from their fetch until the root is pinned (composed over them, it pins them itself): no
     * eviction between the two makes the composition fail or fetch them again.
     */
    RootLease enter(InvocationPlan plan, long timeoutMillis) throws IOException {
        long t0 = System.nanoTime();
        try (HeldLayers held = fetches.holdMissing(plan, timeoutMillis)) {
            long t1 = System.nanoTime();
            RootLease lease = enter(plan);
            return new TimedRootLease(lease, (t1 - t0) / 1000, (System.nanoTime() - t1) / 1000);
        }
    }

    /**
     * Pins the root the plan's invocation runs in (the variant root of its data layers, or the shadow candidate root
     * when the plan was assigned to it), composing it first if it is not ready. Close the lease when it ends.
     */
    RootLease enter(InvocationPlan plan) throws IOException {
        String fn = plan.functionId();
        RootLease l = variants.enter(fn, plan.layers()); // null unless the plan has parameter-selected data layers
        if (l == null) {
            l = swaps.shadows().enterCandidate(fn, plan.layers()); // null unless the plan runs on a shadow candidate
        }
        if (l == null) {
            l = swaps.enterFunctionRoot(fn);
        }
        AtomicInteger c = live.computeIfAbsent(fn, k -> new AtomicInteger());
        c.incrementAndGet();
        return new ForwardingRootLease(l.functionId(), l, c::decrementAndGet);
    }

    /** Invocations in flight per function (those holding a lease from {@link #enter(InvocationPlan)}). */
    int inFlight(String functionId) {
        AtomicInteger c = live.get(functionId);
        return c == null ? 0 : c.get();
    }
}
