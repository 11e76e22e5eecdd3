package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.desc;
import static org.layerswap.swap.Fakes.id;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.InvocationOutcome;
import org.layerswap.api.LayerId;
import org.layerswap.api.NextUse;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.testkit.FakeProfiler;

class NextUsePlannerTest {

    /** Next use of each function, relative to the time asked. */
    private final Map<String, Long> inMillis = new ConcurrentHashMap<>();
    /** Next use of each function at a fixed time (overdue once passed). */
    private final Map<String, Long> atMillis = new ConcurrentHashMap<>();
    private final FakeProfiler profiler = new FakeProfiler() {
        @Override
        public NextUse nextUse(String functionId, long nowMillis) {
            Long at = atMillis.get(functionId);
            if (at != null) {
                return at > nowMillis ? new NextUse(at, at, false) : new NextUse(nowMillis, nowMillis, true);
            }
            Long d = inMillis.get(functionId);
            return d == null ? null : new NextUse(nowMillis + d, nowMillis + d, false);
        }

        @Override
        public double nextUseProbability(String functionId, long nowMillis, long horizonMillis) {
            return inMillis.containsKey(functionId) || atMillis.containsKey(functionId) ? 1.0 : Double.NaN;
        }
    };
    private final Fakes.Store store = new Fakes.Store();
    private final LayerCatalog catalog = new LayerCatalog(profiler);
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final Deque<Runnable> fetchWorker = new ArrayDeque<>();
    private final ScheduledExecutorService plannerThread = Executors.newSingleThreadScheduledExecutor();
    private final NextUsePlanner planner = new NextUsePlanner(() -> SwapSettings.DEFAULT, catalog, store, profiler, clock::get,
            plannerThread, id -> 0.7);
    private final FetchCoordinator fetches = new FetchCoordinator(store, catalog, clock::get, fetchWorker::add,
            new BoundedHistory<PrefetchRecord>(() -> 100, r -> { }), () -> null, (id, bytes, score) -> planner.makeRoom(id, bytes),
            id -> { }, () -> { });

    /** A second planner, on a planner thread the test runs by hand on the same manual clock. */
    private final ManualPlannerThread manual = new ManualPlannerThread(clock);
    private final List<String> composedAhead = new java.util.ArrayList<>();
    private final NextUsePlanner timed = new NextUsePlanner(() -> SwapSettings.DEFAULT, catalog, store, profiler, clock::get,
            manual, id -> 0.7, (fn, l) -> composedAhead.add(fn + " " + l));
    private final FetchCoordinator timedFetches = new FetchCoordinator(store, catalog, clock::get, fetchWorker::add,
            new BoundedHistory<PrefetchRecord>(() -> 100, r -> { }), () -> null, (id, bytes, score) -> timed.makeRoom(id, bytes),
            id -> { }, () -> { });

    NextUsePlannerTest() {
        planner.useFetches(fetches);
        timed.useFetches(timedFetches);
    }

    private Set<LayerId> prefetchedByTimed() {
        return timedFetches.inFlight().stream().filter(r -> r.priority() == FetchPriority.PREFETCH)
                .map(PrefetchRecord::layer).collect(Collectors.toSet());
    }

    private static final long T0 = 1_000_000;

    @AfterEach
    void stop() {
        plannerThread.shutdownNow();
    }

    private void define(String fn, int... layers) {
        catalog.define(new FunctionDefinition(fn, "", "repo",
                java.util.Arrays.stream(layers).mapToObj(n -> desc(n, 100)).toList(), null));
    }

    private Set<LayerId> prefetching(String fn) {
        return fetches.inFlight().stream().filter(r -> r.priority() == FetchPriority.PREFETCH && r.functionId().equals(fn))
                .map(PrefetchRecord::layer).collect(Collectors.toSet());
    }

    /**
     * A full pass of {@code planner} on its own planner thread, where the passes its signals ask for run too: the
     * planner's state is the planner thread's alone, so a pass run from the test thread could overlap one an
     * invocation signal started (the eviction keys then read a half-refreshed state).
     */
    private void pass() {
        try {
            plannerThread.submit(planner::run).get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the planner pass failed", e);
        }
    }

    /** Runs the prefetches the planner started and makes them resident. */
    private void completePrefetches() {
        for (Runnable r; (r = fetchWorker.poll()) != null; ) {
            r.run();
        }
        for (LayerId id : List.copyOf(store.pending.keySet())) {
            store.complete(id);
        }
    }

    @Test
    void aFunctionDueBeforeTheNextDecisionHasItsMissingLayersPrefetchedThroughTheFetchCoordinator() {
        define("timer", 1, 2);
        define("rare", 3);
        inMillis.put("timer", 5_000L);
        inMillis.put("rare", 3_600_000L);
        pass();
        assertEquals(Set.of(id(1), id(2)), prefetching("timer"));
        assertEquals(Set.of(), prefetching("rare"), "an hour away: not due");
    }

    @Test
    void inAClusterOnlyTheFunctionsPlacedHereArePrefetchedForAndThePlacementIsAskedOncePerPass() {
        define("here", 1, 2);
        define("there", 2, 3);
        define("also-there", 4);
        inMillis.putAll(Map.of("here", 5_000L, "there", 5_000L, "also-there", 5_000L));
        LocalFunctionsTest.CountingPlacement placement = new LocalFunctionsTest.CountingPlacement();
        placement.here.add("here");
        planner.usePlacement(placement);
        pass();
        assertEquals(Set.of(id(1), id(2)), prefetching("here"));
        assertEquals(Set.of(), prefetching("there"), "placed on another node: its invocations may still arrive, on demand");
        assertEquals(Set.of(), prefetching("also-there"));
        assertEquals(1, placement.bulkCalls);
        assertEquals(0, placement.singleCalls);
        planner.usePlacement(null);
        clock.addAndGet(1_000);
        pass();
        assertEquals(Set.of(id(3)), prefetching("there"), "no placement: a single node plans for every function");
    }

    @Test
    void inAClusterTheLayersOfFunctionsPlacedElsewhereAreTheFirstToMakeRoom() {
        define("here", 1);
        define("there", 2);
        define("later", 3);
        inMillis.putAll(Map.of("here", 1_000L, "there", 2_000L, "later", 60_000L));
        LocalFunctionsTest.CountingPlacement placement = new LocalFunctionsTest.CountingPlacement();
        placement.here.addAll(List.of("here", "later"));
        planner.usePlacement(placement);
        store.resident.addAll(List.of(id(1), id(2)));
        store.budget = 200;
        store.used = 200;
        pass();
        assertTrue(planner.evictionKey(id(2)) > planner.evictionKey(id(1)), "needed sooner, but elsewhere");
        assertNull(planner.makeRoom(id(3), 100));
        assertEquals(List.of(id(2)), store.evicted);
    }

    @Test
    void roomForAPrefetchIsMadeByTheLayerNeededFurthestAwayAndNeverByOneNeededSooner() {
        define("soon", 1);
        define("far", 2);
        define("mid", 3);
        define("never", 4);
        inMillis.putAll(Map.of("soon", 1_000L, "far", 10_000_000L, "mid", 60_000L, "never", 100_000_000L));
        store.resident.addAll(List.of(id(1), id(2)));
        store.budget = 200;
        store.used = 200;
        pass();
        assertNull(planner.makeRoom(id(3), 100));
        assertEquals(List.of(id(2)), store.evicted);
        assertNotNull(planner.makeRoom(id(4), 100), "layer 1 is needed before layer 4");
        assertEquals(List.of(id(2)), store.evicted);
    }

    @Test
    void theStoresEvictionKeyIsLargerForTheLayerNeededLaterAndUnknownForOthers() {
        define("soon", 1);
        define("far", 2);
        inMillis.putAll(Map.of("soon", 1_000L, "far", 10_000_000L));
        store.resident.addAll(List.of(id(1), id(2), id(9)));
        pass();
        assertTrue(planner.evictionKey(id(2)) > planner.evictionKey(id(1)));
        assertTrue(planner.evictionKey(id(9)) > planner.evictionKey(id(2)), "no function uses it: LRU-like guess, large");
        assertTrue(Double.isNaN(planner.evictionKey(id(5))), "not resident");
    }

    @Test
    void aFunctionWhosePrefetchWasEvictedUnusedIsNotPrefetchedAgain() {
        define("timer", 1);
        inMillis.put("timer", 5_000L);
        pass();
        completePrefetches();
        clock.addAndGet(1_000);
        pass(); // sees layer 1 resident, by its prefetch
        store.resident.remove(id(1)); // evicted (by the store) before any invocation used it
        clock.addAndGet(1_000);
        pass();
        assertEquals(Set.of(), prefetching("timer"));
    }

    /** A feedback loop whose running experiment assigns by function ({@code arms}); records what it is told. */
    static final class ArmsFeedback implements FeedbackLoop {
        final Map<String, ExperimentArm> arms = new ConcurrentHashMap<>();
        final List<String> fetched = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> wasted = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void record(InvocationOutcome outcome) {
        }

        @Override
        public ExperimentArm assign(String functionId, long invocationSeq) {
            return functionArm(functionId);
        }

        @Override
        public ExperimentArm functionArm(String functionId) {
            return arms.getOrDefault(functionId, ExperimentArm.NONE);
        }

        @Override
        public double recommendedThreshold() {
            return 0.5;
        }

        @Override
        public void recordFetch(String functionId, ExperimentArm arm, FetchPriority priority, long bytes, long timestampMillis) {
            fetched.add(functionId + " " + arm + " " + priority + " " + bytes);
        }

        @Override
        public void recordWastedPrefetch(String functionId, ExperimentArm arm, long bytes, long timestampMillis) {
            wasted.add(functionId + " " + arm + " " + bytes + " @" + timestampMillis);
        }
    }

    @Test
    void aByFunctionExperimentsControlArmGetsNoPlannedPrefetchAndTheTreatmentArmsBytesAreCountedForIt() {
        ArmsFeedback fb = new ArmsFeedback();
        fb.arms.put("ctl", ExperimentArm.CONTROL);
        fb.arms.put("trt", ExperimentArm.TREATMENT);
        FetchCoordinator withFeedback = new FetchCoordinator(store, catalog, clock::get, fetchWorker::add,
                new BoundedHistory<PrefetchRecord>(() -> 100, r -> { }), () -> fb, (id, bytes, score) -> planner.makeRoom(id, bytes),
                id -> { }, () -> { });
        planner.useFetches(withFeedback);
        planner.useFeedback(() -> fb);
        define("ctl", 1);
        define("trt", 2);
        define("plain", 3);
        inMillis.put("ctl", 5_000L);
        inMillis.put("trt", 5_000L);
        inMillis.put("plain", 5_000L);
        pass();
        Set<LayerId> started = withFeedback.inFlight().stream().filter(r -> r.priority() == FetchPriority.PREFETCH)
                .map(PrefetchRecord::layer).collect(Collectors.toSet());
        assertEquals(Set.of(id(2), id(3)), started, "the control function's invocations must see on-demand layers only");
        completePrefetches();
        assertEquals(Set.of("trt TREATMENT PREFETCH 100", "plain NONE PREFETCH 100"), Set.copyOf(fb.fetched));
    }

    @Test
    void aPlannedPrefetchEvictedUnusedIsReportedToTheFeedbackLoopAsWastedForItsFunctionAndArm() {
        ArmsFeedback fb = new ArmsFeedback();
        fb.arms.put("timer", ExperimentArm.TREATMENT);
        planner.useFeedback(() -> fb);
        define("timer", 1);
        define("other", 2);
        inMillis.put("timer", 5_000L);
        pass();
        completePrefetches();
        clock.addAndGet(1_000);
        pass(); // sees layer 1 resident, by its prefetch
        assertEquals(List.of(), fb.wasted, "resident, not yet wasted");
        store.resident.remove(id(1)); // evicted (by the store) before any invocation used it
        clock.addAndGet(1_000);
        pass();
        assertEquals(List.of("timer TREATMENT 100 @" + clock.get()), fb.wasted);
        planner.wakeUps().invoked("other", Map.of(), List.of());
        clock.addAndGet(1_000);
        pass();
        assertEquals(1, fb.wasted.size(), "reported once");
    }

    @Test
    void aPrefetchUsedByAnInvocationKeepsTheFunctionsCredit() {
        define("timer", 1);
        inMillis.put("timer", 5_000L);
        pass();
        completePrefetches();
        clock.addAndGet(1_000);
        pass();
        planner.wakeUps().invoked("timer", Map.of(), List.of());
        clock.addAndGet(1_000);
        pass(); // the invocation used the prefetched layer
        store.resident.remove(id(1));
        clock.addAndGet(1_000);
        pass();
        assertEquals(Set.of(id(1)), prefetching("timer"), "used once, wasted once: still allowed");
    }

    @Test
    void theBandwidthBudgetPricesBytesOnceTheNodeFetchesMoreThanAPlainLruCacheWouldForTheSameInvocations() {
        define("timer", 1);
        inMillis.put("timer", 5_000L);
        double[] price = new double[4];
        for (int round = 0; round < 4; round++) {
            pass(); // due in 5 s: prefetched
            completePrefetches();
            clock.addAndGet(1_000);
            pass(); // resident: a fetch the budget counts
            planner.wakeUps().invoked("timer", Map.of(), List.of());
            clock.addAndGet(1_000);
            pass(); // the invocation asked for layer 1: a plain LRU cache fetches it once and keeps it
            price[round] = planner.fetchBudget().bytePrice();
            store.resident.remove(id(1)); // gone (someone else's room): fetched again next round
            clock.addAndGet(60_000);
        }
        assertEquals(0, price[0], "one fetch for one fetch of the reference: within 1.5x");
        assertTrue(price[3] > 0, "four fetches of a layer a plain LRU cache would have fetched once: priced");
        double ratio = planner.fetchBudget().ratioToLru();
        assertTrue(ratio > 1.5, "what operators read: above the budget, got " + ratio);
        assertEquals(1.5, planner.fetchBudget().budgetVsLru());
    }

    @Test
    void invocationsWaitingForThePlannerAreBoundedAndTheOverflowIsCountedNotKept() throws Exception {
        define("timer", 1);
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        plannerThread.submit(() -> { hold.await(); return null; }); // the planner thread is busy: nothing drains meanwhile
        for (int i = 0; i < PlannerWakeUps.MAX_QUEUED_INVOCATIONS + 10; i++) {
            planner.wakeUps().invoked("timer", Map.of(), List.of());
        }
        assertEquals(PlannerWakeUps.MAX_QUEUED_INVOCATIONS, planner.wakeUps().queuedInvocations());
        assertEquals(10, planner.wakeUps().droppedInvocations());
        hold.countDown();
        plannerThread.submit(() -> { }).get(); // the run the overflow asked for has been queued before this
        assertEquals(0, planner.wakeUps().queuedInvocations(), "the run the overflow asked for drains the queue");
    }

    @Test
    void aPrefetchStartsAtItsDueTimeNotAtTheNextTick() {
        define("timer", 1);
        atMillis.put("timer", T0 + 15_000); // start = next use - fetch - margin (0) - interval (10 s): just under 5 s from now
        timed.start();
        manual.runQueued();
        assertEquals(Set.of(), prefetchedByTimed(), "not due at the first tick");
        long due = timed.wakeUps().triggers().timerAtMillis();
        assertTrue(due > T0 + 4_000 && due < T0 + SwapSettings.DEFAULT_DECISION_INTERVAL_MILLIS, "woken at " + (due - T0));
        manual.advanceTo(due - 1);
        assertEquals(Set.of(), prefetchedByTimed(), "1 ms before its start");
        manual.advanceTo(due);
        assertEquals(Set.of(id(1)), prefetchedByTimed(), "started at its due time, 5 s before the next tick");
    }

    @Test
    void aRecordedRunAScoreChangeOrAnInvocationPlansItsFunctionAtOnceNotAtTheNextTick() {
        define("recorded", 1);
        define("scored", 2);
        define("invoked", 3);
        timed.start();
        manual.runQueued(); // nothing predicted yet
        manual.advanceTo(T0 + 1_000);
        for (String fn : List.of("recorded", "scored", "invoked")) {
            atMillis.put(fn, T0 + 3_000); // due now: the next run is 2 s away
        }
        timed.wakeUps().functionsObserved(Set.of("recorded"));
        timed.wakeUps().scoresChanged(List.of(new org.layerswap.api.PredictionScore(id(2), 0.9, T0)));
        timed.wakeUps().invoked("invoked", Map.of(), List.of());
        assertEquals(1, manual.queuedTasks(), "three signals, one pass queued");
        manual.runQueued();
        assertEquals(Set.of(id(1), id(2), id(3)), prefetchedByTimed());
        assertEquals(T0 + 1_000, clock.get(), "at once, 9 s before the next tick");
    }

    @Test
    void likelyDataLayersAreTriedOnceRightAfterTheInvocationAndUnlikelyOnesNot() {
        define("f", 1);
        catalog.defineLayer("repo/data", desc(9, 100));
        catalog.defineLayer("repo/data", desc(10, 100));
        catalog.defineLayer("repo/data", desc(11, 100));
        store.resident.add(id(1));
        timed.start();
        manual.runQueued();
        atMillis.put("f", T0 + 60_000); // what the profiler predicts once it learned this run
        timed.wakeUps().invoked("f", Map.of(id(9), 1.0, id(10), 0.5, id(11), 0.1), List.of());
        manual.runQueued();
        assertEquals(Set.of(id(9), id(10)), prefetchedByTimed(),
                "p = 1 and p = 0.5 (at the threshold) at once, needed at the next run a minute away; p = 0.1: below");
        assertEquals(List.of("f " + id(9), "f " + id(10)), composedAhead.stream().sorted().toList(),
                "the likely ones are announced for composing ahead");
    }

    @Test
    void dataLayersSelectedByAFunctionRunningSoonAreKeptBeforeOnesNoRunSelects() {
        define("f", 1);
        catalog.defineLayer("repo/data", desc(9, 100));
        catalog.defineLayer("repo/data", desc(12, 100));
        inMillis.put("f", 5_000L);
        store.resident.addAll(List.of(id(1), id(9), id(12)));
        planner.wakeUps().invoked("f", Map.of(), List.of(id(9)));
        pass();
        assertTrue(planner.evictionKey(id(12)) > planner.evictionKey(id(9)),
                "selected by every run of f (next in 5 s) vs never selected: " + planner.evictionKey(id(9)) + " / "
                        + planner.evictionKey(id(12)));
    }

    @Test
    void selectionProbabilitiesPushTheNeedTimeBackByOneOverPMinusOneGaps() {
        assertEquals(0, SelectedLayerPrefetches.shiftMillis(60_000, 1.0));
        assertEquals(60_000, SelectedLayerPrefetches.shiftMillis(60_000, 0.5));
        assertEquals(180_000, SelectedLayerPrefetches.shiftMillis(60_000, 0.25));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SelectedLayerPrefetches.shiftMillis(60_000, 0));
        assertTrue(e.getMessage().contains("selection probability must be in (0,1], got 0.0"), e.getMessage());
    }

    @Test
    void aRunTheProfilerLearnsWithinTheSameMillisecondAsThePreviousPassIsSeenByTheNextPass() {
        define("timer", 1);
        timed.start();
        manual.runQueued();
        atMillis.put("timer", T0 - 1); // a partial history: the last run it knows is long past, the function overdue
        timed.wakeUps().functionsObserved(Set.of("timer"));
        manual.runQueued();
        assertEquals(Set.of(), prefetchedByTimed(), "overdue: nothing to time");
        atMillis.put("timer", T0 + 3_000); // the rest of the history arrives, clock unchanged: next run in 3 s
        timed.wakeUps().functionsObserved(Set.of("timer"));
        manual.runQueued();
        assertEquals(Set.of(id(1)), prefetchedByTimed(), "the pass asked the profiler again");
    }
}
