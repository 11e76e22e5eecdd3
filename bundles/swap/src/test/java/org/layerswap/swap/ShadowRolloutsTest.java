package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.id;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.InvocationOutcome;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.LayerId;
import org.layerswap.api.RootLease;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapOutcome;
import org.layerswap.api.SwapRecord;
import org.layerswap.testkit.FakeProfiler;

class ShadowRolloutsTest {

    private static final List<LayerId> CURRENT = List.of(id(1));
    private static final List<LayerId> CANDIDATE = List.of(id(2));

    private final Fakes.Store store = new Fakes.Store();
    private final Fakes.Backend backend = new Fakes.Backend("fake");
    private final AtomicLong nanos = new AtomicLong();
    private final PinLedger pins = new PinLedger(nanos::get, 5);
    private final BoundedHistory<SwapRecord> history = new BoundedHistory<>(() -> 100, r -> { });
    private final RootComposer roots = new RootComposer(store, new LayerCatalog(new FakeProfiler()), () -> 1L, () -> backend,
            Runnable::run, history, pins);
    private final List<String> promoted = new CopyOnWriteArrayList<>();
    private volatile SwapOutcome promotion = SwapOutcome.SUCCEEDED;
    private final ShadowRollouts shadows = new ShadowRollouts(roots, history, Runnable::run, (fn, c, note) -> {
        promoted.add(fn + " " + c + " " + note);
        return new SwapRecord(99, fn, CURRENT, c, SwapMode.ATOMIC, promotion, 0, 0, promotion == SwapOutcome.FAILED ? "disk full" : note);
    }, 5);

    /** A rollout of f with its shadow root composed; minimum samples 2. */
    private ShadowExperiment startRollout() throws Exception {
        store.resident.add(id(2));
        roots.compose(RootComposer.Job.atomic("f", ShadowRollouts.shadowKey("f"), backend, List.of(), CANDIDATE, ""));
        ShadowExperiment sh = new ShadowExperiment(7, CURRENT, CANDIDATE, 0.5, 2, 0.01, 0.1, 1);
        shadows.start("f", sh);
        return sh;
    }

    private void feed(List<LayerId> layers, boolean error) {
        shadows.recordOutcome(new InvocationPlan("f", layers, List.of(), List.of(), ExperimentArm.NONE, 0),
                new InvocationOutcome("f", 0, ExperimentArm.NONE, 0, 1000, error));
    }

    @Test
    void withoutARolloutEveryInvocationKeepsItsStack() {
        assertSame(CURRENT, shadows.pick("f", 1, CURRENT));
        assertNull(shadows.enterCandidate("f", CANDIDATE));
        assertFalse(shadows.isRunning("f"));
    }

    @Test
    void aboutTheShareOfInvocationsRunOnTheCandidateRoot() throws Exception {
        startRollout();
        long onCandidate = java.util.stream.LongStream.range(0, 1000).filter(n -> shadows.pick("f", n, CURRENT).equals(CANDIDATE)).count();
        assertTrue(onCandidate > 400 && onCandidate < 600, "share 0.5: " + onCandidate);
        try (RootLease l = shadows.enterCandidate("f", CANDIDATE)) {
            assertEquals("f#shadow", l.functionId());
        }
        assertNull(shadows.enterCandidate("f", CURRENT), "the current stack runs on the main root");
    }

    @Test
    void aGoodCandidateIsPromotedOnceAndItsShadowRootRemoved() throws Exception {
        startRollout();
        feed(CURRENT, false);
        feed(List.of(id(9)), true); // neither arm: ignored
        feed(CANDIDATE, false);
        feed(CURRENT, false);
        assertTrue(shadows.isRunning("f"), "one candidate sample of two");
        feed(CANDIDATE, false);
        assertFalse(shadows.isRunning("f"));
        assertEquals(List.of("f " + CANDIDATE + " promotion of shadow swap 7"), promoted);
        SwapRecord done = history.newest(1).get(0);
        assertEquals(List.of(7L, SwapOutcome.PROMOTED, SwapMode.SHADOW), List.of(done.id(), done.outcome(), done.mode()));
        assertFalse(backend.roots.containsKey("f#shadow"));
        assertNull(roots.composedOn("f#shadow"));
        shadows.finish("f", new ShadowExperiment(7, CURRENT, CANDIDATE, 0.5, 2, 0.01, 0.1, 1), ShadowExperiment.Decision.PROMOTE);
        assertEquals(1, promoted.size(), "an ended rollout does not end again");
    }

    @Test
    void aFailingCandidateIsRolledBackWithoutPromotion() throws Exception {
        startRollout();
        feed(CURRENT, false);
        feed(CANDIDATE, true);
        feed(CANDIDATE, true);
        assertEquals(SwapOutcome.ROLLED_BACK, history.newest(1).get(0).outcome());
        assertEquals(List.of(), promoted);
        assertFalse(backend.roots.containsKey("f#shadow"));
    }

    @Test
    void aFailedPromotionIsRecordedAsTheRolloutsFailure() throws Exception {
        promotion = SwapOutcome.FAILED;
        ShadowExperiment sh = startRollout();
        shadows.finish("f", sh, ShadowExperiment.Decision.PROMOTE);
        SwapRecord done = history.newest(1).get(0);
        assertEquals(SwapOutcome.FAILED, done.outcome());
        assertTrue(done.detail().startsWith("promotion failed: disk full; "), done.detail());
    }

    @Test
    void theShadowRootsPinsAreReleasedOnlyAfterTheLongerShadowDelay() throws Exception {
        ShadowExperiment sh = startRollout();
        shadows.finish("f", sh, ShadowExperiment.Decision.ROLL_BACK);
        nanos.addAndGet(5);
        roots.releaseStalePins();
        assertEquals(1, store.pinned.get(id(2)).get(), "still pinned after the normal delay");
        nanos.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(ShadowRollouts.SHADOW_PIN_RELEASE_DELAY_SECONDS));
        roots.releaseStalePins();
        assertEquals(0, store.pinned.get(id(2)).get());
    }
}
