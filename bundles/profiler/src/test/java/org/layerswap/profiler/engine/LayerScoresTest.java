package org.layerswap.profiler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;

class LayerScoresTest {

    final Object lock = new Object();
    final Map<String, Double> probabilities = new HashMap<>();
    final List<Runnable> queued = new ArrayList<>();
    final Map<String, FunctionStats> stats = new HashMap<>();
    LayerScores scores;
    final ScoreNotifier notifier = new ScoreNotifier(lock, queued::add, l -> scores.delivered(l), 0.01);

    LayerScoresTest() {
        scores = new LayerScores(notifier, (fn, now) -> probabilities.getOrDefault(fn, 0.0));
    }

    static LayerId layer(int i) {
        return ProfilerEngineTest.layer(i);
    }

    FunctionStats seen(String id) {
        FunctionStats f = new FunctionStats(id, 1e6);
        stats.put(id, f);
        scores.linkNew(f);
        return f;
    }

    @Test
    void aSharedLayerIsTheNoisyOrOfItsFunctions() {
        scores.setLayerMap(FunctionLayerMap.of(Map.of("a", List.of(layer(1), layer(2)), "b", List.of(layer(1)))), stats);
        probabilities.put("a", 0.5);
        probabilities.put("b", 0.2);
        scores.rescoreAll(10);
        assertEquals(1 - 0.5 * 0.8, scores.score(layer(1)).orElseThrow().score(), 1e-12);
        assertEquals(0.5, scores.score(layer(2)).orElseThrow().score(), 1e-12);
        assertEquals(10, scores.score(layer(2)).orElseThrow().timestampMillis());
        assertEquals(List.of(layer(1), layer(2)), scores.topK(5).stream().map(PredictionScore::layerId).toList());
    }

    @Test
    void scoringOneFunctionIncrementallyEqualsAFullRescore() {
        scores.setLayerMap(FunctionLayerMap.of(Map.of("a", List.of(layer(1), layer(2)), "b", List.of(layer(1), layer(3)))), stats);
        FunctionStats a = seen("a");
        seen("b");
        probabilities.put("a", 0.3);
        probabilities.put("b", 0.6);
        scores.rescoreAll(0);
        probabilities.put("a", 0.9);
        scores.score(a.score, 5);
        Map<LayerId, PredictionScore> incremental = scores.scores();
        scores.rescoreAll(5);
        scores.scores().forEach((l, s) -> assertEquals(s.score(), incremental.get(l).score(), 1e-12, l.toString()));
        assertEquals(1 - 0.1 * 0.4, incremental.get(layer(1)).score(), 1e-12);
    }

    @Test
    void optionalLayersWeighTheirFunctionsProbabilityByTheParameterModel() {
        scores.setLayerMap(FunctionLayerMap.of(Map.of("ml", List.of(layer(1)))), stats);
        FunctionStats ml = seen("ml");
        ml.params = new ParameterModel();
        for (int i = 0; i < 10; i++) {
            ml.params.record(Map.of(), i < 5 ? List.of(layer(1), layer(2)) : List.of(layer(1)));
        }
        probabilities.put("ml", 0.8);
        scores.rebind(scores.nodeOf(ml));
        scores.score(ml.score, 1);
        assertEquals(0.8, scores.score(layer(1)).orElseThrow().score(), 1e-12, "stack layer: weight 1");
        assertEquals(0.8 * 0.5, scores.score(layer(2)).orElseThrow().score(), 1e-12, "used by half the accesses");
    }

    @Test
    void aFunctionLeavingTheMapTakesItsNodeAndLayersAlong() {
        scores.setLayerMap(FunctionLayerMap.of(Map.of("a", List.of(layer(1)), "z", List.of(layer(9)))), stats);
        FunctionStats z = seen("z");
        assertSame(z, z.score.stats, "a mapped function seen later is linked to its waiting node");
        scores.setLayerMap(FunctionLayerMap.of(Map.of("a", List.of(layer(1)))), stats);
        assertNull(z.score, "no stack, no parameter model: no node");
        scores.rescoreAll(1);
        assertTrue(scores.score(layer(9)).isEmpty());
        assertTrue(scores.score(layer(1)).isPresent());
    }

    @Test
    void anUnreferencedLayerReadsAsAbsentAtOnceAndListenersHearItFellToZero() {
        List<PredictionScore> got = new ArrayList<>();
        notifier.subscribe(got::addAll);
        probabilities.put("a", 0.7);
        scores.setLayerMap(FunctionLayerMap.of(Map.of("a", List.of(layer(1)))), stats);
        seen("a");
        scores.rescoreAll(1);
        notifier.markedDirty();
        notifier.deliver();
        assertEquals(List.of(new PredictionScore(layer(1), 0.7, 1)), got);
        got.clear();
        scores.setLayerMap(FunctionLayerMap.empty(), stats);
        scores.rescoreAll(2);
        assertTrue(scores.score(layer(1)).isEmpty(), "reads as absent at once");
        assertTrue(scores.scores().isEmpty());
        assertTrue(notifier.markedDirty(), "its fall to 0 is waiting to be delivered");
        notifier.deliver();
        assertEquals(List.of(new PredictionScore(layer(1), 0.0, 2)), got);
    }

    @Test
    void relinkingAfterARestorePointsNodesAtTheNewProfiles() {
        scores.setLayerMap(FunctionLayerMap.of(Map.of("a", List.of(layer(1)))), stats);
        FunctionStats oldA = seen("a");
        FunctionStats oldP = seen("p");
        oldP.params = new ParameterModel();
        scores.nodeOf(oldP);
        scores.detachAll();
        stats.clear();
        FunctionStats newA = new FunctionStats("a", 1e6);
        FunctionStats newP = new FunctionStats("p", 1e6); // restored without a parameter model
        FunctionStats newQ = new FunctionStats("q", 1e6);
        newQ.params = new ParameterModel();
        stats.put("a", newA);
        stats.put("p", newP);
        stats.put("q", newQ);
        scores.relink(stats);
        assertSame(newA, newA.score.stats);
        assertTrue(oldA.score.stats != oldA, "the old profile is no longer scored");
        assertNull(newP.score, "neither mapped nor parameterised any more");
        assertSame(newQ, newQ.score.stats, "a restored parameter model gets a node");
    }
}
