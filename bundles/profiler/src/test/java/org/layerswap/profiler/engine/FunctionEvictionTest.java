package org.layerswap.profiler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FunctionLayerMap;

class FunctionEvictionTest {

    static final long SEC = 1000L;

    final Object lock = new Object();
    final Map<String, FunctionStats> stats = new HashMap<>();
    ProfilerSettings settings = ProfilerSettings.defaults().withMaxTrackedFunctions(16);
    final CoOccurrenceIndex index = new CoOccurrenceIndex(stats, settings.decayHalfLifeMillis());
    LayerScores layers;
    final ScoreNotifier notifier = new ScoreNotifier(lock, r -> { }, l -> layers.delivered(l), 0.01);
    final FunctionEviction eviction;

    FunctionEvictionTest() {
        layers = new LayerScores(notifier, (fn, now) -> 0.5);
        eviction = new FunctionEviction(stats, index, layers);
    }

    /** What the engine does per event. */
    FunctionStats invoke(String id, long t) {
        FunctionStats f = stats.get(id);
        if (f == null) {
            f = eviction.track(id, settings);
        }
        if (f.recordInvocation(t)) {
            index.onInvocation(f, t, settings);
        }
        return f;
    }

    /** Every row names tracked functions only, and every inRows counts the rows that hold its function. */
    void assertConsistent() {
        Map<FunctionStats, Integer> rows = new HashMap<>();
        for (FunctionStats f : stats.values()) {
            for (int k = 0; k < f.followCount; k++) {
                FunctionStats target = f.followTargets[k];
                assertTrue(stats.get(target.id) == target, f.id + "'s row names untracked " + target.id);
                rows.merge(target, 1, Integer::sum);
            }
        }
        for (FunctionStats f : stats.values()) {
            assertEquals(rows.getOrDefault(f, 0), f.inRows, "inRows of " + f.id);
        }
        Set<FunctionStats> listed = new HashSet<>();
        long previousLast = Long.MAX_VALUE;
        for (FunctionStats g = index.leastRecent(); g != null; g = g.newer) {
            assertTrue(listed.add(g) && stats.get(g.id) == g, "recency list holds tracked profiles once");
            assertTrue(g.last >= (previousLast == Long.MAX_VALUE ? Long.MIN_VALUE : previousLast), "oldest first from the tail");
            previousLast = g.last;
        }
        assertEquals(stats.size(), listed.size(), "every profile is in the recency list");
    }

    @Test
    void theLeastRecentlySeenUnknownFunctionsGoFirstInABatchAndTheRowsStayConsistent() {
        long t = 0;
        for (int i = 0; i < 16; i++, t += SEC) {
            invoke("u" + i, t);
        }
        assertEquals(16, stats.size());
        invoke("u0", t); // u0 is now the most recent
        t += SEC;
        invoke("new", t);
        assertEquals(15, stats.size(), "one batch of 16/8 = 2 evicted before adding");
        assertFalse(stats.containsKey("u1") || stats.containsKey("u2"), "the least recently seen went");
        assertTrue(stats.containsKey("u0") && stats.containsKey("u3"), "the more recent ones stay");
        assertEquals(2, eviction.evicted());
        assertConsistent();
    }

    @Test
    void mappedFunctionsAreNeverEvictedNorCounted() {
        layers.setLayerMap(FunctionLayerMap.of(Map.of("d1", List.of(ProfilerEngineTest.layer(1)),
                "d2", List.of(ProfilerEngineTest.layer(2)))), stats);
        long t = 0;
        invoke("d1", t);
        invoke("d2", t + 1);
        for (int i = 0; i < 200; i++) {
            invoke("u" + i, t += SEC);
            assertTrue(eviction.unknown() <= 16);
            assertConsistent();
        }
        assertTrue(stats.containsKey("d1") && stats.containsKey("d2"), "the oldest, but mapped");
        assertEquals(202 - stats.size(), eviction.evicted());
        assertTrue(stats.size() > 2 + 16 - 16 / FunctionEviction.BATCH_DIVISOR, "batches, not wholesale");
    }

    @Test
    void aVictimsParameterModelNodeLeavesItsLayers() {
        FunctionStats p = invoke("withParams", 0);
        p.params = new ParameterModel();
        p.params.record(Map.of("k", "v"), List.of(ProfilerEngineTest.layer(9)));
        p.lastParams = Map.of("k", "v");
        FunctionScore node = layers.nodeOf(p);
        layers.rebind(node);
        layers.score(node, 0);
        assertTrue(layers.score(ProfilerEngineTest.layer(9)).isPresent());
        long t = 0;
        for (int i = 0; i < 16; i++) {
            invoke("u" + i, t += SEC);
        }
        assertFalse(stats.containsKey("withParams"));
        assertNull(p.score);
        assertTrue(layers.score(ProfilerEngineTest.layer(9)).isEmpty(), "no function references the layer any more");
    }

    @Test
    void lowerCapsAndRecountsTrimAtOnce() {
        long t = 0;
        for (int i = 0; i < 16; i++, t += SEC) {
            invoke("u" + i, t);
        }
        eviction.trimTo(4);
        assertEquals(Set.of("u12", "u13", "u14", "u15"), stats.keySet());
        assertConsistent();
        layers.setLayerMap(FunctionLayerMap.of(Map.of("u12", List.of(ProfilerEngineTest.layer(1)))), stats);
        eviction.recount(1);
        assertEquals(Set.of("u12", "u15"), stats.keySet(), "the mapped one is kept beside the newest unknown");
        assertConsistent();
    }
}
