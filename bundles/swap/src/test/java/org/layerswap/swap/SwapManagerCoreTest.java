package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.desc;
import static org.layerswap.swap.Fakes.id;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.InvocationOutcome;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.LayerId;
import org.layerswap.api.RootLease;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapOutcome;
import org.layerswap.api.SwapRecord;
import org.layerswap.testkit.Await;
import org.layerswap.testkit.FakeProfiler;

class SwapManagerCoreTest {

    /** How long a positive check waits for the planner or composer thread. */
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Fakes.Store store;
    private FakeProfiler profiler;
    private Fakes.Backend backend;
    private SwapManagerCore core;

    private static SwapSettings settings(boolean prefetchOnScoreChange, boolean composeAhead, int minShadow) {
        return new SwapSettings(0.5, 4, 4, 64, prefetchOnScoreChange, composeAhead, 0.5, minShadow, 0.01, 0.10, 100,
                CostModel.DEFAULT);
    }

    @BeforeEach
    void setUp() {
        store = new Fakes.Store();
        profiler = new FakeProfiler();
        backend = new Fakes.Backend("fake");
    }

    private SwapManagerCore start(SwapSettings s) {
        core = new SwapManagerCore(s, profiler, store, backend, System::currentTimeMillis);
        core.start();
        return core;
    }

    @AfterEach
    void tearDown() {
        if (core != null) {
            core.close();
        }
    }

    @Test
    void missingOwnLayersAreFetchedOnDemandWithoutWaiting() {
        start(settings(false, false, 10));
        core.defineFunction("f", "repo/f", List.of(desc(1, 100), desc(2, 200)));
        store.resident.add(id(1));
        InvocationPlan plan = core.handleInvocation("f", Map.of());
        assertEquals(List.of(id(1), id(2)), plan.layers());
        assertEquals(List.of(id(2)), plan.missing());
        assertEquals(1, store.calls(id(2), FetchPriority.ON_DEMAND), "own missing layer fetched at ON_DEMAND priority");
        assertEquals(0, store.calls(id(1), FetchPriority.ON_DEMAND));
        assertFalse(core.awaitLayers(plan).isDone(), "the fetch never completed, yet handleInvocation returned");
        core.handleInvocation("f", Map.of());
        assertEquals(1, store.calls(id(2), FetchPriority.ON_DEMAND), "a pending on-demand fetch is shared");
        store.complete(id(2));
        assertTrue(core.awaitLayers(plan).isDone());
        assertTrue(core.prefetchHistory(10).stream().anyMatch(r -> r.layer().equals(id(2)) && r.succeeded()
                && r.priority() == FetchPriority.ON_DEMAND));
    }

    @Test
    void prefetchesStartAsynchronouslyAndAreNeverAwaited() throws Exception {
        start(settings(false, false, 10));
        core.defineFunction("f", "repo/f", List.of(desc(1, 100)));
        core.defineFunction("g", "repo/g", List.of(desc(2, 100)));
        store.resident.add(id(1));
        profiler.push(id(2), 0.9);
        Await.until(WAIT, () -> !core.ranked().isEmpty(), "the candidate index");
        InvocationPlan plan = core.handleInvocation("f", Map.of());
        assertEquals(List.of(), plan.missing());
        assertEquals(List.of(id(2)), plan.prefetched());
        Await.until(WAIT, () -> store.calls(id(2), FetchPriority.PREFETCH) == 1, "the prefetch call");
        assertTrue(store.calls.stream().filter(c -> c.id().equals(id(2))).allMatch(c -> c.thread().startsWith("layerswap-swap")),
                "prefetch fetches run on the manager's worker, not on the invocation thread");
        assertFalse(store.pending.get(id(2)).isDone(), "the prefetch is still running: the invocation did not wait");
        assertEquals(List.of(), core.handleInvocation("f", Map.of()).prefetched(), "a running prefetch is not started twice");
        store.complete(id(2));
        Await.until(WAIT, () -> core.prefetchHistory(10).stream().anyMatch(r -> r.layer().equals(id(2)) && r.succeeded()), "record");
        assertEquals(0.9, core.prefetchHistory(1).get(0).score(), 1e-9);
    }

    @Test
    void scoreChangesPrefetchAheadOfInvocationsAndComposeAhead() throws Exception {
        start(settings(true, true, 10));
        core.defineFunction("g", "repo/g", List.of(desc(2, 100), desc(3, 100)));
        store.resident.add(id(2));
        profiler.push(id(3), 0.8);
        Await.until(WAIT, () -> store.calls(id(3), FetchPriority.PREFETCH) == 1, "a prefetch with no invocation");
        assertFalse(backend.roots.containsKey("g"));
        store.complete(id(3));
        Await.until(WAIT, () -> backend.roots.containsKey("g"), "the root composed before the first invocation");
        assertEquals(List.of(store.pathOf(id(2)), store.pathOf(id(3))), backend.roots.get("g"));
        Await.until(WAIT, () -> !core.swapHistory(10).isEmpty(), "swap record");
        SwapRecord r = core.swapHistory(1).get(0);
        assertEquals(SwapOutcome.SUCCEEDED, r.outcome());
        assertEquals(List.of(id(2), id(3)), r.toLayers());
    }

    @Test
    void thresholdFiltersCandidates() throws Exception {
        start(settings(false, false, 10));
        core.defineLayer("repo/x", desc(5, 100));
        core.defineLayer("repo/x", desc(6, 100));
        profiler.push(id(5), 0.49);
        profiler.push(id(6), 0.50);
        Await.until(WAIT, () -> core.ranked().size() == 1, "ranking");
        assertEquals(id(6), core.ranked().get(0).id(), "0.50 passes the 0.5 threshold, 0.49 does not");
        core.setThreshold(0.3);
        assertEquals(0.3, core.threshold());
        Await.until(WAIT, () -> core.ranked().size() == 2, "re-ranking after the threshold change");
        core.defineFunction("f", "repo/f", List.of(desc(1, 1)));
        store.resident.add(id(1));
        assertEquals(2, core.handleInvocation("f", Map.of()).prefetched().size());
    }

    @Test
    void parameterSelectedLayersArePrefetched() {
        start(settings(false, false, 10));
        core.defineFunction("f", "repo/f", List.of(desc(1, 1)));
        core.defineLayer("repo/data", desc(9, 1000));
        core.defineLayer("repo/data", desc(10, 1000));
        store.resident.add(id(1));
        profiler.setOptionalLayers(Map.of(id(9), 0.9, id(10), 0.1));
        assertEquals(List.of(id(9)), core.handleInvocation("f", Map.of("dataset", "a")).prefetched());
    }

    @Test
    void withNextUsePlanningALikelyDataLayerIsLeftToThePlannerNotPrefetchedOnTheInvocationPath() throws Exception {
        start(settings(false, false, 10).withNextUsePlanning(true));
        core.defineFunction("f", "repo/f", List.of(desc(1, 1)));
        core.defineLayer("repo/data", desc(9, 1000));
        store.resident.add(id(1));
        profiler.setOptionalLayers(Map.of(id(9), 0.9));
        assertEquals(List.of(), core.handleInvocation("f", Map.of("dataset", "a")).prefetched());
        core.awaitComposerIdle(); // the planner's pass for the invocation ran
        assertFalse(store.pending.containsKey(id(9)), "the profiler predicts no next run of f: nothing says when it is needed");
    }

    @Test
    void controlArmDoesNotPrefetch() throws Exception {
        start(settings(false, false, 10));
        core.setFeedbackLoop(new Fakes.Feedback(ExperimentArm.CONTROL));
        core.defineLayer("repo/x", desc(5, 100));
        profiler.push(id(5), 0.9);
        Await.until(WAIT, () -> !core.ranked().isEmpty(), "ranking");
        InvocationPlan p = core.handleInvocation("f", Map.of());
        assertEquals(ExperimentArm.CONTROL, p.arm());
        assertEquals(List.of(), p.prefetched());
    }

    @Test
    void fetchedBytesAreReportedToTheFeedbackLoopWithTheArm() throws Exception {
        start(settings(false, false, 10));
        Fakes.Feedback feedback = new Fakes.Feedback(ExperimentArm.TREATMENT);
        List<String> fetches = feedback.fetches;
        core.setFeedbackLoop(feedback);
        core.defineFunction("f", "repo/f", List.of(desc(1, 100)));
        core.defineLayer("repo/x", desc(5, 700));
        profiler.push(id(5), 0.9);
        Await.until(WAIT, () -> !core.ranked().isEmpty(), "ranking");
        InvocationPlan p = core.handleInvocation("f", Map.of());
        assertEquals(ExperimentArm.TREATMENT, p.arm());
        assertEquals(List.of(id(5)), p.prefetched());
        store.complete(id(1));
        Await.until(WAIT, () -> store.pending.containsKey(id(5)), "prefetch call");
        store.complete(id(5));
        Await.until(WAIT, () -> fetches.size() == 2, "two fetch reports");
        assertTrue(fetches.contains("f TREATMENT ON_DEMAND 100"), fetches.toString());
        assertTrue(fetches.contains("f TREATMENT PREFETCH 700"), fetches.toString());
    }

    @Test
    void atomicAndCopyOnWriteSwapsUseTheBackendAndKeepTheMap() throws Exception {
        start(settings(false, false, 10));
        core.defineFunction("f", "repo/f", List.of(desc(1, 1)));
        core.defineLayer("repo/f", desc(2, 1));
        store.resident.add(id(1));
        store.resident.add(id(2));
        assertEquals(SwapOutcome.SUCCEEDED, core.swap("f", List.of(id(1)), SwapMode.ATOMIC, 0).outcome());
        SwapRecord cow = core.swap("f", List.of(id(1), id(2)), SwapMode.COPY_ON_WRITE, 0);
        assertEquals(SwapOutcome.SUCCEEDED, cow.outcome());
        assertEquals(List.of(id(1)), cow.fromLayers());
        assertEquals("cow f", backend.log.get(backend.log.size() - 1));
        assertEquals(List.of(id(1), id(2)), core.functionLayers().layersOf("f"));
        assertEquals(core.functionLayers(), profiler.functionLayers(), "the profiler gets the updated map");
        assertEquals(1, store.pinned.get(id(2)).get(), "layers of the composed root are pinned in the store");
        SwapRecord failed = core.swap("f", List.of(id(77)), SwapMode.ATOMIC, 0);
        assertEquals(SwapOutcome.FAILED, failed.outcome());
        assertTrue(failed.detail().contains(id(77).toString()), failed.detail());
        assertEquals(3, core.swapHistory(10).size());
        assertEquals(failed, core.swapHistory(1).get(0), "newest first");
    }

    private void runShadow(boolean candidateErrs) throws Exception {
        start(settings(false, false, 20));
        core.defineFunction("f", "repo/f", List.of(desc(1, 1)));
        core.defineLayer("repo/f", desc(2, 1));
        store.resident.add(id(1));
        store.resident.add(id(2));
        core.swap("f", List.of(id(1)), SwapMode.ATOMIC, 0);
        SwapRecord s = core.swap("f", List.of(id(2)), SwapMode.SHADOW, 0.5);
        assertEquals(SwapOutcome.SHADOWING, s.outcome());
        assertTrue(backend.roots.containsKey("f" + SwapManagerCore.SHADOW_SUFFIX));
        int onCandidate = 0;
        for (int i = 0; i < 400 && core.isShadowing("f"); i++) {
            InvocationPlan p = core.handleInvocation("f", Map.of());
            boolean cand = p.layers().equals(List.of(id(2)));
            onCandidate += cand ? 1 : 0;
            try (RootLease l = core.enter(p)) {
                // the decision runs asynchronously: a candidate plan entered after it lands on the main root
                assertTrue(l.functionId().equals(cand ? "f" + SwapManagerCore.SHADOW_SUFFIX : "f")
                        || !core.isShadowing("f") && l.functionId().equals("f"), l.functionId());
            }
            core.recordOutcome(p, new InvocationOutcome("f", 0, p.arm(), 0, 1000 + (i % 7), cand && candidateErrs));
        }
        assertTrue(onCandidate > 10, "about half the invocations ran on the candidate: " + onCandidate);
        Await.until(WAIT, () -> core.swapHistory(10).stream().anyMatch(r -> r.id() == s.id() && r.outcome() != SwapOutcome.SHADOWING),
                "the shadow decision");
    }

    @Test
    void shadowPromotesAGoodCandidate() throws Exception {
        runShadow(false);
        SwapRecord done = core.swapHistory(10).stream().filter(r -> r.mode() == SwapMode.SHADOW
                && r.outcome() != SwapOutcome.SHADOWING).findFirst().orElseThrow();
        assertEquals(SwapOutcome.PROMOTED, done.outcome(), done.detail());
        assertEquals(List.of(id(2)), core.functionLayers().layersOf("f"));
        assertEquals(List.of(store.pathOf(id(2))), backend.roots.get("f"));
        assertFalse(backend.roots.containsKey("f" + SwapManagerCore.SHADOW_SUFFIX), "the shadow root is removed");
        assertFalse(core.isShadowing("f"));
    }

    @Test
    void shadowRollsBackAFailingCandidate() throws Exception {
        runShadow(true);
        SwapRecord done = core.swapHistory(10).stream().filter(r -> r.mode() == SwapMode.SHADOW
                && r.outcome() != SwapOutcome.SHADOWING).findFirst().orElseThrow();
        assertEquals(SwapOutcome.ROLLED_BACK, done.outcome(), done.detail());
        assertEquals(List.of(id(1)), core.functionLayers().layersOf("f"));
        assertEquals(List.of(store.pathOf(id(1))), backend.roots.get("f"));
        assertFalse(backend.roots.containsKey("f" + SwapManagerCore.SHADOW_SUFFIX));
    }

    @Test
    void switchingBackendsMigratesIdleRootsAndDrainsBusyOnes() throws Exception {
        start(settings(false, false, 10));
        core.defineFunction("idle", "repo", List.of(desc(1, 1)));
        core.defineFunction("busy", "repo", List.of(desc(2, 1)));
        store.resident.add(id(1));
        store.resident.add(id(2));
        core.swap("idle", List.of(id(1)), SwapMode.ATOMIC, 0);
        core.swap("busy", List.of(id(2)), SwapMode.ATOMIC, 0);
        RootLease running = core.enter(core.handleInvocation("busy", Map.of()));
        assertEquals(1, core.inFlight("busy"));
        Fakes.Backend next = new Fakes.Backend("next");
        core.setBackend(next, "test");
        Await.until(WAIT, () -> next.roots.containsKey("idle") && next.roots.containsKey("busy"), "migration");
        Await.until(WAIT, () -> core.swapHistory(10).stream().filter(r -> r.detail().startsWith("migrated")).count() == 2, "records");
        assertTrue(core.swapHistory(10).stream().anyMatch(r -> r.functionId().equals("busy") && r.detail().contains("drains")));
        assertEquals("/r/busy/gen-1", running.root().toString(), "the running invocation keeps its tree");
        running.close();
        assertEquals(0, core.inFlight("busy"));
        try (RootLease l = core.enter(core.handleInvocation("busy", Map.of()))) {
            assertEquals(1, next.leases.get("busy").get(), "new invocations run on the new backend");
        }
    }

    @Test
    void adoptsARootTheBackendRecoveredInsteadOfComposingAgain() throws Exception {
        backend.compose("f", List.of(store.pathOf(id(1)), store.pathOf(id(2)))); // as left by recovery
        backend.log.clear();
        store.resident.add(id(1));
        store.resident.add(id(2));
        start(settings(false, true, 10));
        core.defineFunction("f", "repo", List.of(desc(1, 1), desc(2, 1)));
        Await.until(WAIT, () -> !core.swapHistory(1).isEmpty(), "adoption record");
        assertTrue(core.swapHistory(1).get(0).detail().startsWith("adopted root generation 1"), core.swapHistory(1).get(0).detail());
        assertEquals(List.of(), backend.log, "no new generation");
        assertEquals(1, store.pinned.get(id(2)).get());
        try (RootLease l = core.enter(core.handleInvocation("f", Map.of()))) {
            assertEquals(1, l.generation());
        }
    }

    @Test
    void stagedSwapRunsOnceItsLayersArrive() throws Exception {
        start(settings(false, false, 10));
        core.defineFunction("f", "repo", List.of(desc(1, 1)));
        core.defineLayer("repo", desc(2, 1));
        store.resident.add(id(1));
        core.swap("f", List.of(id(1)), SwapMode.ATOMIC, 0);
        core.stage("f", List.of(id(1), id(2)), SwapMode.ATOMIC, 0);
        assertEquals(1, store.calls(id(2), FetchPriority.PREFETCH));
        assertEquals(List.of(id(1)), core.functionLayers().layersOf("f"));
        store.complete(id(2));
        Await.until(WAIT, () -> core.functionLayers().layersOf("f").size() == 2, "the staged swap");
        assertEquals(2, backend.roots.get("f").size());
    }

    @Test
    void evictsLowerValuedLayersToMakeRoom() throws Exception {
        store.budget = 1000;
        store.used = 1000;
        start(settings(false, false, 10));
        store.resident.add(id(40));
        profiler.push(id(40), 0.1);
        core.defineLayer("repo", desc(41, 50));
        profiler.push(id(41), 0.9);
        Await.until(WAIT, () -> !core.ranked().isEmpty(), "ranking");
        core.defineFunction("f", "repo", List.of(desc(1, 1)));
        store.resident.add(id(1));
        store.acquire(id(1)); // pinned: never a victim
        assertEquals(List.of(id(41)), core.handleInvocation("f", Map.of()).prefetched());
        Await.until(WAIT, () -> store.calls(id(41), FetchPriority.PREFETCH) == 1, "prefetch");
        assertEquals(List.of(id(40)), store.evicted);
    }

    @Test
    void unknownFunctionGetsAnEmptyPlan() {
        start(settings(false, false, 10));
        InvocationPlan p = core.handleInvocation("nobody", null);
        assertEquals(List.of(), p.layers());
        assertEquals(ExperimentArm.NONE, p.arm());
        assertTrue(p.decisionNanos() >= 0);
        assertNull(backend.roots.get("nobody"));
        assertNotEquals(null, core.nodeView());
        Path unused = Path.of("/");
        assertTrue(unused.isAbsolute());
    }

    @Test
    void aPrefetchThatNeedsRoomRetiresAnIdleRootToEvictItsLayerButNeverOneInUse() throws Exception {
        SwapSettings s = new SwapSettings(0.5, 4, 4, 64, false, false, 0.5, 10, 0.01, 0.10, 100, CostModel.DEFAULT, false,
                SwapSettings.DEFAULT_DECISION_INTERVAL_MILLIS);
        start(s);
        store.resident.add(id(1));
        store.resident.add(id(2));
        core.defineFunction("idle", "repo", List.of(desc(1, 100)));
        core.defineFunction("busy", "repo", List.of(desc(2, 100)));
        core.defineFunction("next", "repo", List.of(desc(3, 100)));
        core.enter(core.handleInvocation("idle", Map.of())).close();
        try (RootLease running = core.enter(core.handleInvocation("busy", Map.of()))) {
            store.budget = 200;
            store.used = 200; // full: the prefetch of 3 needs 100 bytes freed
            assertEquals(List.of(id(3)), core.prefetch("next"));
            Await.until(WAIT, () -> store.evicted.contains(id(1)), "the idle root's layer evicted");
            core.awaitComposerIdle();
            assertTrue(backend.log.contains("remove idle"), "the idle root was retired first: " + backend.log);
            assertEquals(0, store.pinned.get(id(1)).get(), "its pin was closed before the eviction");
            assertFalse(store.evicted.contains(id(2)), "the layer of a root in use stays");
            assertFalse(backend.log.contains("remove busy"));
            assertEquals(1, store.pinned.get(id(2)).get());
        }
        store.resident.add(id(1)); // fetched again on demand
        try (RootLease again = core.enter(core.handleInvocation("idle", Map.of()))) {
            assertEquals(2, again.generation(), "composed again on its next invocation");
        }
    }

    @Test
    void theNextUsePlannersRoomMakingAlsoRetiresAnIdleRootButNeverOneInUse() throws Exception {
        Map<String, Long> inMillis = Map.of("idle", 36_000_000L, "busy", 36_000_000L, "next", 60_000L);
        profiler = new FakeProfiler() {
            @Override
            public org.layerswap.api.NextUse nextUse(String functionId, long nowMillis) {
                Long d = inMillis.get(functionId);
                return d == null ? null : new org.layerswap.api.NextUse(nowMillis + d, nowMillis + d, false);
            }

            @Override
            public double nextUseProbability(String functionId, long nowMillis, long horizonMillis) {
                return inMillis.containsKey(functionId) ? 1.0 : Double.NaN;
            }
        };
        start(SwapSettings.DEFAULT);
        store.resident.add(id(1));
        store.resident.add(id(2));
        core.defineFunction("idle", "repo", List.of(desc(1, 100)));
        core.defineFunction("busy", "repo", List.of(desc(2, 100)));
        core.defineFunction("next", "repo", List.of(desc(3, 100)));
        core.enter(core.handleInvocation("idle", Map.of())).close();
        try (RootLease running = core.enter(core.handleInvocation("busy", Map.of()))) {
            store.budget = 200;
            store.used = 200;
            core.functionsObserved(java.util.Set.of("idle", "busy", "next")); // a planning run learns the next uses
            core.awaitComposerIdle();
            // that run may already have started the prefetch of "next" (due in 60 s); else this call starts it
            List<?> started = core.prefetch("next");
            assertTrue(started.isEmpty() || started.equals(List.of(id(3))), "only the missing layer is prefetched: " + started);
            Await.until(WAIT, () -> store.evicted.contains(id(1)) || !core.prefetchHistory(5).isEmpty(), "the prefetch's room");
            assertTrue(store.evicted.contains(id(1)), "the idle root's layer evicted in next-use order: " + core.prefetchHistory(5));
            core.awaitComposerIdle();
            assertTrue(backend.log.contains("remove idle"), backend.log.toString());
            assertEquals(0, store.pinned.get(id(1)).get());
            assertFalse(store.evicted.contains(id(2)), "the layer of a root in use stays");
            assertFalse(backend.log.contains("remove busy"));
        }
    }
}
