package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.layerswap.swap.Fakes.id;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.PredictionScore;

class PlannerWakeUpsTest {

    private static final long T0 = 1_000_000;
    private static final List<String> FUNCTIONS = List.of("a", "b", "c");

    private final AtomicLong clock = new AtomicLong(T0);
    private final ManualPlannerThread thread = new ManualPlannerThread(clock);
    private final AtomicReference<SwapSettings> settings = new AtomicReference<>(SwapSettings.DEFAULT);
    private final FunctionLayerMap map = FunctionLayerMap.of(Map.of("a", List.of(id(1)), "b", List.of(id(1), id(2)),
            "c", List.of(id(3))));
    /** What the planner was asked, in order: "refresh", "observe a@t", "full", "plan b". */
    private final List<String> calls = new ArrayList<>();
    private final List<Runnable> duringFull = new ArrayList<>();
    private RuntimeException failRefresh;
    private RuntimeException failPlan;

    private final PlannerWakeUps wakeUps = new PlannerWakeUps(settings::get, clock::get, () -> map, thread,
            new PlannerWakeUps.Planner() {
                @Override
                public void refresh(SwapSettings s) {
                    calls.add("refresh");
                    RuntimeException e = failRefresh;
                    failRefresh = null;
                    if (e != null) {
                        throw e;
                    }
                }

                @Override
                public int functionIndex(String functionId) {
                    return FUNCTIONS.indexOf(functionId);
                }

                @Override
                public void observe(int f, InvocationInbox.Invoked i, SwapSettings s) {
                    calls.add("observe " + FUNCTIONS.get(f) + "@" + (i.atMillis() - T0));
                }

                @Override
                public void full(SwapSettings s) {
                    calls.add("full");
                    duringFull.forEach(Runnable::run);
                }

                @Override
                public void plan(int f, SwapSettings s) {
                    calls.add("plan " + FUNCTIONS.get(f));
                    RuntimeException e = failPlan;
                    failPlan = null;
                    if (e != null) {
                        throw e;
                    }
                }
            });

    /** Starts the wake-ups and runs the first (full) pass; forgets its calls. */
    private void started() {
        wakeUps.start();
        thread.runQueued();
        assertEquals(List.of("refresh", "full"), calls);
        calls.clear();
    }

    @Test
    void aQueuedInvocationIsObservedAfterTheRefreshAndItsFunctionIsPlannedInTheSamePass() {
        started();
        clock.set(T0 + 5);
        wakeUps.invoked("b", Map.of(), List.of());
        assertEquals(1, wakeUps.queuedInvocations());
        thread.runQueued();
        assertEquals(List.of("refresh", "observe b@5", "plan b"), calls);
        assertEquals(0, wakeUps.queuedInvocations());
    }

    @Test
    void anInvocationARecordedRunAndADueStartOfTheSameFunctionAreCoalescedIntoOnePassThatPlansItOnce() {
        duringFull.add(() -> wakeUps.wakeAt(0, T0 + 2_000, T0)); // a's just-in-time start
        started();
        assertEquals(List.of(T0 + 2_000), thread.timers(), "the timer is armed for a's start");
        clock.set(T0 + 2_000); // the start came; the signals arrive before the timer ran
        wakeUps.invoked("a", Map.of(), List.of());
        wakeUps.functionsObserved(Set.of("a", "c"));
        assertEquals(1, thread.queuedTasks(), "three signals, one pass queued");
        thread.runQueued();
        assertEquals(List.of("refresh", "observe a@2000", "plan a", "plan c"), calls);
    }

    @Test
    void aScoreChangePlansEveryFunctionUsingThatLayer() {
        started();
        wakeUps.scoresChanged(List.of(new PredictionScore(id(1), 0.9, T0)));
        thread.runQueued();
        assertEquals(List.of("refresh", "plan a", "plan b"), calls);
    }

    @Test
    void functionsNotDefinedYetAreNeitherObservedNorPlanned() {
        started();
        wakeUps.invoked("unknown", Map.of(), List.of());
        wakeUps.functionsObserved(Set.of("also-unknown"));
        thread.runQueued();
        assertEquals(List.of("refresh"), calls);
        assertEquals(0, wakeUps.queuedInvocations(), "drained all the same");
    }

    @Test
    void aFullPassObservesTheQueuedInvocationsAndLeavesNoFunctionMarkedForTheNextPass() {
        started();
        wakeUps.invoked("a", Map.of(), List.of());
        wakeUps.full(); // as a test or the cadence runs it, before the queued pass
        assertEquals(List.of("refresh", "observe a@0", "full"), calls);
        calls.clear();
        wakeUps.functionsObserved(Set.of("b"));
        thread.runQueued();
        assertEquals(List.of("refresh", "plan b"), calls, "a was planned by the full pass");
    }

    @Test
    void whilePlanningIsOffNoSignalWakesThePlannerAndAPassDropsTheInvocationsQueuedBefore() {
        started();
        wakeUps.invoked("a", Map.of(), List.of());
        thread.runQueued();
        calls.clear();
        wakeUps.invoked("a", Map.of(), List.of()); // queued while still on
        settings.set(SwapSettings.DEFAULT.withNextUsePlanning(false));
        thread.runQueued();
        wakeUps.invoked("b", Map.of(), List.of());
        wakeUps.functionsObserved(Set.of("b"));
        wakeUps.scoresChanged(List.of(new PredictionScore(id(3), 0.9, T0)));
        assertEquals(0, thread.queuedTasks());
        wakeUps.full();
        assertEquals(List.of(), calls);
        assertEquals(0, wakeUps.queuedInvocations());
    }

    @Test
    void aFullInvocationQueueDropsAndCountsTheOverflowAndTurnsTheNextPassIntoAFullOne() {
        started();
        for (int i = 0; i < PlannerWakeUps.MAX_QUEUED_INVOCATIONS + 3; i++) {
            wakeUps.invoked("a", Map.of(), List.of());
        }
        assertEquals(PlannerWakeUps.MAX_QUEUED_INVOCATIONS, wakeUps.queuedInvocations());
        assertEquals(3, wakeUps.droppedInvocations());
        thread.runQueued();
        assertEquals(PlannerWakeUps.MAX_QUEUED_INVOCATIONS + 2, calls.size());
        assertEquals("full", calls.get(calls.size() - 1), "no single function planned: the overflow asked for a full pass");
        assertEquals(0, wakeUps.queuedInvocations());
    }

    @Test
    void aFailingRefreshSkipsThatPassAndTheNextPassPlansAgain() {
        started();
        failRefresh = new IllegalStateException("store gone");
        wakeUps.functionsObserved(Set.of("a"));
        thread.runQueued();
        assertEquals(List.of("refresh"), calls);
        wakeUps.functionsObserved(Set.of("b"));
        thread.runQueued();
        assertEquals(List.of("refresh", "refresh", "plan b"), calls);
    }

    @Test
    void aFailingPlanEndsThatPassAndLeavesNoFunctionMarkedForTheNextOne() {
        started();
        failPlan = new IllegalStateException("profiler gone");
        wakeUps.functionsObserved(Set.of("a", "b"));
        thread.runQueued();
        assertEquals(List.of("refresh", "plan a"), calls);
        calls.clear();
        wakeUps.functionsObserved(Set.of("c"));
        thread.runQueued();
        assertEquals(List.of("refresh", "plan c"), calls);
    }

    @Test
    void aStoppedPlannerIsWokenByNothing() {
        started();
        wakeUps.stop();
        wakeUps.invoked("a", Map.of(), List.of());
        wakeUps.requestFull();
        thread.advanceTo(T0 + 10 * SwapSettings.DEFAULT_DECISION_INTERVAL_MILLIS);
        assertEquals(List.of(), calls);
    }
}
