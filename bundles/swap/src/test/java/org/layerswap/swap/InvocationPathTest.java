package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.desc;
import static org.layerswap.swap.Fakes.id;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.LayerId;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.api.RootLease;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapOutcome;
import org.layerswap.api.SwapRecord;
import org.layerswap.testkit.Await;
import org.layerswap.testkit.FakeProfiler;

class InvocationPathTest {

    private volatile SwapSettings settings = SwapSettings.DEFAULT; // next-use planning on
    private volatile FeedbackLoop feedback;
    private volatile List<PrefetchPlanner.Planned> ranked = List.of();
    /** What the next-use planner was told: "function [optional layers] [selected layers]". */
    private final List<String> invoked = new ArrayList<>();

    private final Fakes.Store store = new Fakes.Store();
    private final Fakes.Backend backend = new Fakes.Backend("fake");
    private final FakeProfiler profiler = new FakeProfiler();
    private final LayerCatalog catalog = new LayerCatalog(profiler);
    private final BoundedHistory<SwapRecord> history = new BoundedHistory<>(() -> 100, r -> { });
    /** The composer thread: its tasks never run here (every composition the path needs is synchronous). */
    private final Deque<Runnable> composer = new ArrayDeque<>();
    private final RootComposer roots = new RootComposer(store, catalog, () -> 1L, () -> backend, composer::add, history,
            new PinLedger(System::nanoTime, 0));
    private final VariantRoots variants = new VariantRoots(roots);
    private SwapRunner swaps;
    private final FetchCoordinator fetches = new FetchCoordinator(store, catalog, () -> 1L, Runnable::run,
            new BoundedHistory<PrefetchRecord>(() -> 10, r -> { }), () -> feedback, (id, b, s) -> null,
            id -> swaps.onResident(id), () -> { });
    private final InvocationPath path;

    {
        swaps = new SwapRunner(() -> settings, () -> backend, store, catalog, roots, fetches, variants, composer::add,
                history, 0);
        path = new InvocationPath(() -> settings, profiler, store, catalog, variants, swaps, fetches, () -> feedback,
                () -> ranked, (fn, optional, selected) -> invoked.add(fn + " " + optional.keySet() + " " + selected));
        catalog.define(new FunctionDefinition("f", "", "repo", List.of(desc(1, 100), desc(2, 100)), null));
        catalog.defineLayer("repo", desc(3, 100));
        catalog.defineLayer("repo/data", desc(9, 100));
    }

    private void bindDataset(String value, int layer) {
        DataLayerBinding b = new DataLayerBinding("f", "dataset", value, "data/" + value + ":1", "repo/data",
                List.of(desc(layer, 100)));
        catalog.registerBound(b);
        variants.bind(b);
    }

    private static PrefetchPlanner.Planned candidate(int n) {
        return new PrefetchPlanner.Planned(id(n), 0.9, 0.9, 100, 100);
    }

    @Test
    void aMissingLayerIsFetchedOnDemandAndReportedMissingWithoutWaitingForIt() {
        store.resident.add(id(1));
        InvocationPlan plan = path.plan("f", Map.of());
        assertEquals(List.of(id(1), id(2)), plan.layers());
        assertEquals(List.of(id(2)), plan.missing());
        assertEquals(1, store.calls(id(2), FetchPriority.ON_DEMAND));
        assertEquals(0, store.calls(id(1), FetchPriority.ON_DEMAND));
        assertFalse(fetches.awaitMissing(plan).isDone(), "the fetch never completed, yet the plan was returned");
        assertEquals(List.of("f [] []"), invoked);
    }

    @Test
    void withNextUsePlanningTheInvocationGoesToThePlannerAndNothingIsPrefetchedOnThisPath() {
        profiler.setOptionalLayers(Map.of(id(9), 0.9));
        ranked = List.of(candidate(3));
        InvocationPlan plan = path.plan("f", Map.of("dataset", "x"));
        assertEquals(List.of(), plan.prefetched());
        assertEquals(0, store.calls(id(3), FetchPriority.PREFETCH) + store.calls(id(9), FetchPriority.PREFETCH));
        assertEquals(List.of("f [" + id(9) + "] []"), invoked, "the data-layer probabilities are the planner's to time");
    }

    @Test
    void withoutNextUsePlanningTheLikelyDataLayerThenTheRankedCandidatesArePrefetched() {
        settings = SwapSettings.DEFAULT.withNextUsePlanning(false);
        profiler.setOptionalLayers(Map.of(id(9), 0.9));
        ranked = List.of(candidate(3));
        InvocationPlan plan = path.plan("f", Map.of("dataset", "x"));
        assertEquals(List.of(id(9), id(3)), plan.prefetched());
        assertEquals(1, store.calls(id(3), FetchPriority.PREFETCH));
    }

    @Test
    void theControlArmOfAnExperimentPrefetchesNothingAndAsksForNoDataLayerProbabilities() {
        settings = SwapSettings.DEFAULT.withNextUsePlanning(false);
        feedback = new Fakes.Feedback(ExperimentArm.CONTROL);
        profiler.setOptionalLayers(Map.of(id(9), 0.9));
        ranked = List.of(candidate(3));
        InvocationPlan plan = path.plan("f", Map.of());
        assertEquals(ExperimentArm.CONTROL, plan.arm());
        assertEquals(List.of(), plan.prefetched());
        assertEquals(List.of("f [] []"), invoked);
    }

    @Test
    void selectedDataLayersGoOnTopOfTheStackAndKeepTheInvocationOutOfAShadowRollout() {
        bindDataset("a", 9);
        for (int n : new int[] {1, 2, 3, 9}) {
            store.resident.add(id(n));
        }
        swaps.swap("f", List.of(id(1), id(2)), SwapMode.ATOMIC, 0); // a current root to compare the candidate with
        assertEquals(SwapOutcome.SHADOWING, swaps.swap("f", List.of(id(1), id(3)), SwapMode.SHADOW, 0.99).outcome());
        int onCandidate = 0;
        for (int i = 0; i < 20; i++) {
            InvocationPlan withData = path.plan("f", Map.of("dataset", "a"));
            assertEquals(List.of(id(1), id(2), id(9)), withData.layers());
            onCandidate += path.plan("f", Map.of()).layers().equals(List.of(id(1), id(3))) ? 1 : 0;
        }
        assertTrue(onCandidate > 10, "a 99 % share picks most invocations without data layers: " + onCandidate);
        assertEquals("f [] [" + id(9) + "]", invoked.get(0), "the selection is handed to the planner");
    }

    @Test
    void enteringPinsTheRootAndCountsTheInvocationInFlightUntilItsLeaseCloses() throws IOException {
        bindDataset("a", 9);
        for (int n : new int[] {1, 2, 9}) {
            store.resident.add(id(n));
        }
        try (RootLease own = path.enter(path.plan("f", Map.of()));
             RootLease data = path.enter(path.plan("f", Map.of("dataset", "a")), 1_000)) {
            assertEquals("f", own.functionId());
            assertEquals("f", data.functionId());
            assertEquals(List.of(store.pathOf(id(1)), store.pathOf(id(2)), store.pathOf(id(9))), data.layerDirs(),
                    "the variant root of its data layer");
            assertEquals(2, path.inFlight("f"));
        }
        assertEquals(0, path.inFlight("f"));
        assertEquals(0, path.inFlight("never-entered"));
    }

    @Test
    void enteringFailsNamingTheLayersStillMissingWhenTheWaitTimesOut() {
        store.resident.add(id(1));
        InvocationPlan plan = path.plan("f", Map.of());
        IOException e = assertThrows(IOException.class, () -> path.enter(plan, 1));
        assertEquals("layers of f not resident within 1 ms: [" + id(2) + "]", e.getMessage());
        assertEquals(0, path.inFlight("f"));
        store.complete(id(2));
        assertEquals(0, store.pins(id(2)), "the lease that came after the timeout was closed, not leaked");
    }

    @Test
    void aMissingLayerIsHeldFromItsFetchUntilTheRootComposedOverItPinsItItself() throws Exception {
        store.resident.add(id(1));
        InvocationPlan plan = path.plan("f", Map.of());
        List<Integer> pinsAtCompose = new CopyOnWriteArrayList<>();
        backend.onCompose = () -> pinsAtCompose.add(store.pins(id(2)));
        CompletableFuture<RootLease> entered = CompletableFuture.supplyAsync(() -> {
            try {
                return path.enter(plan, 30_000);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Await.until(Duration.ofSeconds(30), () -> store.calls.stream().filter(c -> c.id().equals(id(2))).count() == 2,
                "the invocation's fetch-and-acquire joining the plan's on-demand fetch");
        store.complete(id(2));
        try (RootLease lease = entered.get(30, TimeUnit.SECONDS)) {
            assertEquals(List.of(2), pinsAtCompose, "held by the invocation and pinned by the root while it is composed");
            assertEquals(1, store.pins(id(2)), "then only the root's pin");
        }
    }
}
