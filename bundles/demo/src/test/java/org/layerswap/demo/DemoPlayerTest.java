package org.layerswap.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.ProfileView;
import org.layerswap.api.ScoreListener;
import org.layerswap.workload.SyntheticWorkload;

class DemoPlayerTest {

    /** Records what the player feeds it. */
    static final class RecordingProfiler implements BehavioralProfiler {
        final List<InvocationEvent> events = new ArrayList<>();
        final List<Collection<LayerId>> accesses = new ArrayList<>();
        FunctionLayerMap map;

        public void record(InvocationEvent event) { events.add(event); }
        public void recordLayerAccess(InvocationEvent event, Collection<LayerId> layersUsed) { accesses.add(layersUsed); }
        public void updateFunctionLayers(FunctionLayerMap m) { map = m; }
        public Map<LayerId, PredictionScore> scores() { return Map.of(); }
        public List<PredictionScore> topK(int k) { return List.of(); }
        public Optional<PredictionScore> score(LayerId layer) { return Optional.empty(); }
        public double functionProbability(String functionId) { return 0; }
        public AutoCloseable subscribe(ScoreListener listener) { return () -> { }; }
        public long windowMillis() { return 300_000; }
        public String activePredictor() { return "test"; }
        public ProfileView profiles() { return null; }
    }

    @Test
    void playsTheTraceInCompressedTimeWithLayersAndDataAccess() {
        RecordingProfiler profiler = new RecordingProfiler();
        AtomicLong clock = new AtomicLong(1_000_000);
        List<Long> waits = new ArrayList<>();
        DemoPlayer player = new DemoPlayer(new SyntheticWorkload.Config(0.25, 30, 3), 60, profiler, clock::get,
                target -> {
                    waits.add(target);
                    clock.set(Math.max(clock.get(), target)); // time passes instantly in the test
                }, 5_000);
        player.run();

        assertEquals(5_000, player.played());
        assertEquals(5_000, profiler.events.size());
        assertEquals(30, profiler.map.size(), "every function's layer stack is published before the first event");
        for (int i = 1; i < profiler.events.size(); i++) {
            assertTrue(profiler.events.get(i).timestampMillis() >= profiler.events.get(i - 1).timestampMillis(), "time went backwards");
        }
        // exactly the generator's trace, 60x compressed, for the first pass
        try (var trace = new SyntheticWorkload(new SyntheticWorkload.Config(0.25, 30, 3)).stream()) {
            long t0 = -1;
            for (int i = 0; i < 500; i++) {
                InvocationEvent expected = trace.next();
                t0 = t0 < 0 ? expected.timestampMillis() : t0;
                InvocationEvent played = profiler.events.get(i);
                assertEquals(expected.functionId(), played.functionId());
                assertEquals(expected.params(), played.params());
                assertEquals(1_000_000 + (long) ((expected.timestampMillis() - t0) / 60.0), played.timestampMillis(), "event " + i);
            }
        }
        assertFalse(profiler.accesses.isEmpty(), "parameter-selected data layers are reported as used");
        for (InvocationEvent e : profiler.events) {
            assertTrue(profiler.map.contains(e.functionId()), "event for unmapped function " + e.functionId());
        }
    }

    @Test
    void refusesNonPositiveSpeedup() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DemoPlayer(
                new SyntheticWorkload.Config(1, 10, 1), 0, new RecordingProfiler(), () -> 0, t -> { }, 1));
        assertTrue(e.getMessage().contains("speedup"));
    }
}
