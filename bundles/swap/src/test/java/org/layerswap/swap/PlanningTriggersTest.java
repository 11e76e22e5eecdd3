package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class PlanningTriggersTest {

    private static final long T0 = 1_000_000;
    private static final long INTERVAL = 10_000;

    private final AtomicLong clock = new AtomicLong(T0);
    private final ManualPlannerThread thread = new ManualPlannerThread(clock);
    /** What each pass ran: "full@t" or "fns@t [requested] [due...]". */
    private final List<String> passes = new ArrayList<>();
    private final List<Runnable> duringFull = new ArrayList<>();
    private PlanningTriggers triggers;

    PlanningTriggersTest() {
        triggers = new PlanningTriggers(clock::get, thread, () -> INTERVAL, new PlanningTriggers.Pass() {
            @Override
            public void full() {
                passes.add("full@" + (clock.get() - T0));
                duringFull.forEach(Runnable::run);
            }

            @Override
            public void functions(Set<String> requested, int[] due, int dueCount) {
                List<Integer> d = new ArrayList<>();
                for (int i = 0; i < dueCount; i++) {
                    d.add(due[i]);
                }
                passes.add("fns@" + (clock.get() - T0) + " " + new java.util.TreeSet<>(requested) + " " + d);
            }
        });
    }

    @Test
    void requestsWhileAPassIsQueuedAreCoalescedIntoThatOnePass() {
        triggers.start();
        thread.runQueued();
        assertEquals(List.of("full@0"), passes);
        triggers.request("a");
        triggers.request("b");
        triggers.request("a");
        assertEquals(1, thread.queuedTasks(), "one pass queued for all three requests");
        thread.runQueued();
        assertEquals(List.of("full@0", "fns@0 [a, b] []"), passes);
    }

    @Test
    void withoutRequestsTheFullPassComesEveryDecisionInterval() {
        triggers.start();
        thread.advanceTo(T0 + 3 * INTERVAL);
        assertEquals(List.of("full@0", "full@10000", "full@20000", "full@30000"), passes);
    }

    @Test
    void aPlannedStartWakesThePlannerAtThatTimeNotAtTheNextFullPass() {
        duringFull.add(() -> triggers.wakeAt(7, clock.get() + 4_200, clock.get()));
        triggers.start();
        thread.runQueued();
        assertEquals(List.of(T0 + 4_200), thread.timers(), "one timer, at the planned start");
        thread.advanceTo(T0 + 4_200);
        assertEquals(List.of("full@0", "fns@4200 [] [7]"), passes);
        thread.advanceTo(T0 + INTERVAL);
        assertEquals("full@10000", passes.get(2), "after the early wake-up the cadence goes on");
    }

    @Test
    void aStartAlreadyPassedOrAfterTheNextFullPassArmsNoTimerSoNothingSpins() {
        duringFull.add(() -> {
            triggers.wakeAt(1, clock.get(), clock.get()); // due now but not started (no slot): the next full pass retries
            triggers.wakeAt(2, clock.get() + INTERVAL + 1, clock.get()); // the next full pass plans it
        });
        triggers.start();
        thread.runQueued();
        assertEquals(List.of(T0 + INTERVAL), thread.timers());
        assertEquals(0, thread.queuedTasks());
    }

    @Test
    void aFunctionReplannedToALaterStartIsWokenOnlyAtTheLaterOne() {
        duringFull.add(() -> {
            triggers.wakeAt(3, clock.get() + 2_000, clock.get());
            triggers.wakeAt(3, clock.get() + 5_000, clock.get());
        });
        triggers.start();
        thread.advanceTo(T0 + 6_000);
        assertEquals(List.of("full@0", "fns@5000 [] [3]"), passes, "the entry at 2 s was superseded");
    }

    @Test
    void anOverflowingRequestQueueAsksForAFullPassInsteadOfLosingTheRequest() {
        triggers.start();
        thread.runQueued();
        for (int i = 0; i < PlanningTriggers.MAX_PENDING + 1; i++) {
            triggers.request("f" + i);
        }
        thread.runQueued();
        assertEquals(List.of("full@0", "full@0"), passes, "the overflow turned the pass into a full one");
        triggers.request("late");
        thread.runQueued();
        assertTrue(passes.get(2).startsWith("fns@0 [late]"), passes.toString());
    }

    @Test
    void aStoppedPlannerRunsNoMorePasses() {
        triggers.start();
        thread.runQueued();
        triggers.stop();
        triggers.request("a");
        thread.advanceTo(T0 + 5 * INTERVAL);
        assertEquals(List.of("full@0"), passes);
    }
}
