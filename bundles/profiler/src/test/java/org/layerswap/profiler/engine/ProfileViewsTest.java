package org.layerswap.profiler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FunctionProfile;
import org.layerswap.api.InvocationEvent;

/** {@link EngineProfileView} (live, under the engine lock) and {@link LockedProfileView} (locks, copies). */
class ProfileViewsTest {

    final Object lock = new Object();
    /** Every access to the profiles records whether the engine lock was held. */
    final List<Boolean> lockedOnAccess = new ArrayList<>();
    final Map<String, FunctionStats> stats = new HashMap<>() {
        @Override
        public FunctionStats get(Object key) {
            lockedOnAccess.add(Thread.holdsLock(lock));
            return super.get(key);
        }
    };
    final ProfilerSettings settings = ProfilerSettings.defaults();
    final CoOccurrenceIndex index = new CoOccurrenceIndex(stats, settings.decayHalfLifeMillis());
    long now;
    InvocationEvent last;
    final EngineProfileView view = new EngineProfileView(stats, index, () -> settings, () -> now, () -> last);
    final LockedProfileView locked = new LockedProfileView(lock, view);

    void invoke(String id, long t) {
        FunctionStats f = stats.computeIfAbsent(id, k -> new FunctionStats(k, 1e7));
        if (f.recordInvocation(t)) {
            index.onInvocation(f, t, settings);
        }
        last = InvocationEvent.of(id, t);
        now = t;
    }

    @Test
    void theEngineViewAnswersFromTheLiveProfilesWithoutCopying() {
        invoke("a", 1000);
        assertSame(stats.get("a"), view.profile("a"));
        assertNull(view.profile("nobody"));
        assertEquals(Set.of("a"), Set.copyOf(view.functions()));
        assertThrows(UnsupportedOperationException.class, () -> view.functions().clear());
        assertEquals(last, view.lastEvent());
        assertEquals(60_000, view.coOccurrenceWindowMillis());
    }

    @Test
    void coOccurrenceQueriesUseTheEngineClock() {
        for (long t = 0; t < 10 * 600_000; t += 600_000) {
            invoke("a", t);
            invoke("b", t + 1000);
        }
        invoke("a", 10 * 600_000);
        assertEquals(Map.of("b", 1.0), view.followers("a"), "b has not answered yet, but the window is open");
        now = 10 * 600_000 + 120_000;
        assertTrue(view.followers("a").get("b") < 1.0, "once the window closed, the unanswered run counts");
        assertEquals(view.followers("a").get("b"), view.predecessors("b").get("a"));
        assertEquals(Set.of("a"), view.pendingPredecessors("b", 10 * 600_000 + 5_000).keySet());
    }

    @Test
    void theLockedViewLocksEveryReadAndHandsOutDetachedCopies() {
        invoke("a", 1000);
        lockedOnAccess.clear();
        FunctionProfile copy = locked.profile("a");
        locked.followers("a");
        locked.predecessors("a");
        locked.pendingPredecessors("a", 2000);
        assertTrue(!lockedOnAccess.isEmpty() && lockedOnAccess.stream().allMatch(b -> b), lockedOnAccess.toString());
        assertNotSame(stats.get("a"), copy);
        invoke("a", 2000);
        assertEquals(1, copy.invocationCount(), "the copy does not change as the engine learns");
        assertEquals(2, locked.profile("a").invocationCount());
        var functions = locked.functions();
        invoke("b", 3000);
        assertEquals(List.of("a"), List.copyOf(functions), "a snapshot of the names, not a live view");
        assertEquals(last, locked.lastEvent());
    }
}
