package org.layerswap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;

class FakeProfilerTest {

    static LayerId id(int n) {
        return LayerId.of("sha256:" + String.format("%064x", n));
    }

    static InvocationEvent event(String f, long t) {
        return new InvocationEvent(f, t, Map.of(), "default");
    }

    @Test
    void recordsEventsLayerAccessesMapsAndRescoresInOrder() {
        FakeProfiler p = new FakeProfiler();
        AtomicInteger hooked = new AtomicInteger();
        p.beforeRecord(e -> hooked.incrementAndGet());
        p.record(event("f", 10));
        p.record(event("g", 20));
        p.recordLayerAccess(event("f", 10), List.of(id(1)));
        FunctionLayerMap map = FunctionLayerMap.of(Map.of("f", List.of(id(1))));
        p.updateFunctionLayers(map);
        p.rescore(30);

        assertEquals(List.of("f", "g"), p.events().stream().map(InvocationEvent::functionId).toList());
        assertEquals(2, p.recorded());
        assertEquals(2, hooked.get(), "the hook runs for every record");
        assertEquals(List.of(List.of(id(1))), p.layerAccesses());
        assertEquals(map, p.functionLayers());
        assertEquals(List.of(30L), p.rescores());
    }

    @Test
    void pushedScoresReachSubscribersUntilTheyUnsubscribe() throws Exception {
        FakeProfiler p = new FakeProfiler();
        List<PredictionScore> seen = new ArrayList<>();
        AutoCloseable handle = p.subscribe(seen::addAll);
        p.push(id(1), 0.4);
        p.push(id(2), 0.8);
        handle.close();
        p.push(id(3), 0.9);

        assertEquals(List.of(id(1), id(2)), seen.stream().map(PredictionScore::layerId).toList());
        assertEquals(0, p.subscribers());
        assertEquals(List.of(id(3), id(2)), p.topK(2).stream().map(PredictionScore::layerId).toList(), "highest first");
        assertEquals(0.4, p.score(id(1)).orElseThrow().score());
        assertEquals(Optional.empty(), p.score(id(9)));
    }

    @Test
    void aDeclaredFollowerScoresItsLayersOnlyWithinTheWindowOfItsLeader() {
        FakeProfiler p = new FakeProfiler(1_000).withFollowers(Map.of("f", "g"));
        p.updateFunctionLayers(FunctionLayerMap.of(Map.of("f", List.of(id(1)), "g", List.of(id(2), id(3)))));
        assertEquals(0, p.functionProbability("g"), "f has not run yet");

        p.record(event("f", 5_000));
        assertEquals(FakeProfiler.FOLLOWER_PROBABILITY, p.functionProbability("g"));
        assertEquals(0, p.functionProbability("f"), "f follows nobody");
        assertEquals(Map.of(id(2), FakeProfiler.FOLLOWER_PROBABILITY, id(3), FakeProfiler.FOLLOWER_PROBABILITY),
                scoreValues(p));

        p.rescore(6_001);
        assertEquals(0, p.functionProbability("g"), "the window has passed");
        assertTrue(p.scores().isEmpty());
    }

    @Test
    void thePushedAndTheFollowerScoreOfALayerCombineToTheHigher() {
        FakeProfiler p = new FakeProfiler().withFollowers(Map.of("f", "g"));
        p.updateFunctionLayers(FunctionLayerMap.of(Map.of("g", List.of(id(2)))));
        p.record(event("f", 1));
        p.push(id(2), 0.3);
        assertEquals(FakeProfiler.FOLLOWER_PROBABILITY, p.score(id(2)).orElseThrow().score());
        p.push(id(2), 0.95);
        assertEquals(0.95, p.score(id(2)).orElseThrow().score());
    }

    @Test
    void optionalLayersAreWhatTheTestSetAndProfilesAreNotModelled() {
        FakeProfiler p = new FakeProfiler(300_000);
        assertEquals(Map.of(), p.optionalLayers("f", Map.of()));
        p.setOptionalLayers(Map.of(id(9), 0.9));
        assertEquals(Map.of(id(9), 0.9), p.optionalLayers("f", Map.of("size", "large")));
        assertEquals(300_000, p.windowMillis());
        assertEquals("fake", p.activePredictor());
        assertThrows(UnsupportedOperationException.class, p::profiles);
    }

    private static Map<LayerId, Double> scoreValues(FakeProfiler p) {
        Map<LayerId, Double> out = new java.util.HashMap<>();
        p.scores().forEach((k, v) -> out.put(k, v.score()));
        return out;
    }
}
