package org.layerswap.profiler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class CoOccurrenceIndexTest {

    static final long SEC = 1000L;

    final Map<String, FunctionStats> functions = new HashMap<>();
    ProfilerSettings settings = ProfilerSettings.defaults(); // co-occurrence window 60 s
    CoOccurrenceIndex index = new CoOccurrenceIndex(functions, settings.decayHalfLifeMillis());

    FunctionStats fn(String id) {
        return functions.computeIfAbsent(id, k -> new FunctionStats(k, settings.rateHalfLifeMillis() / Math.log(2)));
    }

    /** What the engine does per event. */
    void invoke(String id, long t) {
        FunctionStats f = fn(id);
        if (f.recordInvocation(t)) {
            index.onInvocation(f, t, settings);
        }
    }

    double follow(String owner, String target, long now) {
        FunctionStats o = fn(owner);
        int k = o.followerIndex(fn(target));
        return k < 0 ? 0.0 : index.followProbability(o, k, now, settings);
    }

    @Test
    void aFollowerOfEveryInvocationHasFollowProbabilityOneAndTheReverseIsNotLearned() {
        long t = 0;
        for (int i = 0; i < 20; i++, t += 600 * SEC) {
            invoke("a", t);
            invoke("b", t + 5 * SEC);
        }
        assertEquals(1.0, follow("a", "b", t), 1e-12);
        assertEquals(0.0, follow("b", "a", t), "a never runs within the window after b");
        assertEquals(1, fn("b").inRows);
        assertEquals(0, fn("a").inRows);
    }

    @Test
    void anInvocationStillOpenDoesNotDiluteTheEstimateUntilTheWindowCloses() {
        long t = 0;
        for (int i = 0; i < 9; i++, t += 600 * SEC) {
            invoke("a", t);
            invoke("b", t + 5 * SEC);
        }
        invoke("a", t); // b has not followed yet
        double open = follow("a", "b", t + 10 * SEC);
        double closed = follow("a", "b", t + 61 * SEC);
        assertEquals(1.0, open, 1e-12, "within the window: the open invocation is not counted");
        assertTrue(closed < 0.95 && closed > 0.85, "after the window it counts as not followed: " + closed);
    }

    @Test
    void eachInvocationOfTheOwnerIsCreditedAtMostOnce() {
        invoke("a", 0);
        invoke("b", SEC);
        invoke("b", 2 * SEC);
        invoke("b", 3 * SEC);
        assertEquals(1.0, follow("a", "b", 3 * SEC), 1e-12, "three runs of b after one a: still one follow");
    }

    @Test
    void estimatesSurviveRenormalisingFarBeyondTheRangeOfADouble() {
        settings = settings.withDecayHalfLifeMillis(60 * SEC).withCoOccurrenceWindowMillis(SEC);
        index = new CoOccurrenceIndex(functions, settings.decayHalfLifeMillis());
        long t = 0;
        // 2^(200,000 s / 60 s) overflows a double many times over: only re-basing keeps the values finite
        for (int i = 0; t < 200_000 * SEC; i++, t += 2 * SEC) {
            invoke("a", t);
            if (i % 2 == 0) {
                invoke("b", t + 500);
            }
        }
        double p = follow("a", "b", t);
        assertTrue(p > 0.45 && p < 0.55, "b follows every second invocation of a: " + p);
        assertTrue(Double.isFinite(fn("a").triggerScaled) && fn("a").triggerScaled > 0);
        assertTrue(index.scaleAt(t) <= 1e150 && index.scaleAt(t) > 0);
    }

    @Test
    void changingTheHalfLifeKeepsTheCurrentEstimates() {
        long t = 0;
        for (int i = 0; i < 10; i++, t += 600 * SEC) {
            invoke("a", t);
            if (i % 2 == 0) {
                invoke("b", t + SEC);
            }
        }
        double before = follow("a", "b", t);
        index.changeHalfLife(t, 60 * SEC);
        assertEquals(before, follow("a", "b", t), 1e-12);
        double actualTriggers = fn("a").triggerScaled / index.scaleAt(t);
        double oneHalfLifeLater = fn("a").triggerScaled / index.scaleAt(t + 60 * SEC);
        assertEquals(actualTriggers / 2, oneHalfLifeLater, 1e-9, "decays with the new half-life from now on");
    }

    @Test
    void aFullRowAdmitsAPersistentNewcomerButAPasserByRarely() {
        settings = settings.withMaxFollowers(2);
        long t = 0;
        for (int i = 0; i < 30; i++, t += 600 * SEC) {
            invoke("a", t);
            invoke("b", t + SEC);
            invoke("c", t + 2 * SEC);
        }
        invoke("a", t);
        invoke("x", t + SEC); // once: against a weakest count of ~30 its odds are ~1/31
        FunctionStats a = fn("a");
        assertEquals(-1, a.followerIndex(fn("x")), "a passer-by does not evict an established follower");
        assertEquals(2, a.followCount);
        t += 600 * SEC;
        for (int i = 0; i < 200 && a.followerIndex(fn("d")) < 0; i++, t += 600 * SEC) {
            invoke("a", t);
            invoke("b", t + SEC);
            invoke("d", t + 2 * SEC); // c stopped following; d follows every time
        }
        assertTrue(a.followerIndex(fn("d")) >= 0, "a persistent newcomer gets in");
        assertEquals(2, a.followCount, "the row stays bounded");
        assertTrue(a.followerIndex(fn("b")) >= 0, "the strong follower is kept");
        assertEquals(-1, a.followerIndex(fn("c")), "the weakest follower was evicted");
        assertEquals(1, fn("c").inRows, "its row count is decremented (it is left in b's row only)");
        assertTrue(fn("b").followerIndex(fn("c")) >= 0);
    }

    @Test
    void pendingPredecessorsAreTheRecentOnesTheTargetHasNotAnsweredYet() {
        long t = 0;
        for (int i = 0; i < 10; i++, t += 600 * SEC) {
            invoke("a", t);
            invoke("c", t + SEC);
            invoke("b", t + 2 * SEC);
        }
        invoke("a", t);
        invoke("c", t + SEC);
        FunctionStats b = fn("b");
        assertEquals(Set.of("a", "c"), index.pendingPredecessors(b, t + 5 * SEC, settings).keySet());
        assertEquals(Set.of("a", "c"), index.predecessors(b, t + 5 * SEC, settings).keySet());
        assertTrue(index.pendingPredecessors(b, t + 70 * SEC, settings).isEmpty(), "window passed");
        invoke("b", t + 6 * SEC);
        assertTrue(index.pendingPredecessors(b, t + 7 * SEC, settings).isEmpty(), "b answered them");
        assertEquals(Set.of("b", "c"), index.followers(fn("a"), t + 7 * SEC, settings).keySet());
    }

    @Test
    void followersBelowTheMinimumProbabilityAreNotReported() {
        settings = settings.withCoOccurrenceWindowMillis(10 * SEC);
        long t = 0;
        for (int i = 0; i < 100; i++, t += 600 * SEC) {
            invoke("a", t);
            if (i == 0) {
                invoke("rare", t + SEC);
            }
        }
        assertTrue(follow("a", "rare", t) < settings.minFollowerProbability());
        assertFalse(index.followers(fn("a"), t, settings).containsKey("rare"));
    }

    @Test
    void aRebuiltRecencyListCreditsTheMostRecentFunctionsFirst() {
        settings = settings.withMaxRecentScan(1);
        FunctionStats old = fn("old");
        FunctionStats recent = fn("recent");
        old.recordInvocation(10 * SEC);
        recent.recordInvocation(20 * SEC);
        index.reset(20 * SEC, settings.decayHalfLifeMillis());
        index.rebuildRecency();
        invoke("x", 25 * SEC);
        assertTrue(recent.followerIndex(fn("x")) >= 0, "the newest function is scanned first");
        assertEquals(-1, old.followerIndex(fn("x")), "one scan allowed: the older one is not credited");
    }
}
