package org.layerswap.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationEvent;
import org.layerswap.testkit.FakeProfiler;
import org.layerswap.workload.SyntheticWorkload;

class DemoPlayerTest {

    @Test
    void playsTheTraceInCompressedTimeWithLayersAndDataAccess() {
        FakeProfiler profiler = new FakeProfiler(300_000);
        AtomicLong clock = new AtomicLong(1_000_000);
        List<Long> waits = new ArrayList<>();
        DemoPlayer player = new DemoPlayer(new SyntheticWorkload.Config(0.25, 30, 3), 60, profiler, clock::get,
                target -> {
                    waits.add(target);
                    clock.set(Math.max(clock.get(), target)); // time passes instantly in the test
                }, 5_000);
        player.run();
        List<InvocationEvent> events = profiler.events();
        FunctionLayerMap map = profiler.functionLayers();

        assertEquals(5_000, player.played());
        assertEquals(5_000, events.size());
        assertEquals(30, map.size(), "every function's layer stack is published before the first event");
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).timestampMillis() >= events.get(i - 1).timestampMillis(), "time went backwards");
        }
        // exactly the generator's trace, 60x compressed, for the first pass
        try (var trace = new SyntheticWorkload(new SyntheticWorkload.Config(0.25, 30, 3)).stream()) {
            long t0 = -1;
            for (int i = 0; i < 500; i++) {
                InvocationEvent expected = trace.next();
                t0 = t0 < 0 ? expected.timestampMillis() : t0;
                InvocationEvent played = events.get(i);
                assertEquals(expected.functionId(), played.functionId());
                assertEquals(expected.params(), played.params());
                assertEquals(1_000_000 + (long) ((expected.timestampMillis() - t0) / 60.0), played.timestampMillis(), "event " + i);
            }
        }
        assertFalse(profiler.layerAccesses().isEmpty(), "parameter-selected data layers are reported as used");
        for (InvocationEvent e : events) {
            assertTrue(map.contains(e.functionId()), "event for unmapped function " + e.functionId());
        }
    }

    @Test
    void refusesNonPositiveSpeedup() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DemoPlayer(
                new SyntheticWorkload.Config(1, 10, 1), 0, new FakeProfiler(), () -> 0, t -> { }, 1));
        assertTrue(e.getMessage().contains("speedup"));
    }
}
