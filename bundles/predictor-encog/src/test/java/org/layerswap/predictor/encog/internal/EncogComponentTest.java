package org.layerswap.predictor.encog.internal;

import java.time.Duration;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerswap.testkit.Await;
import org.layerswap.api.InvocationEvent;
import org.layerswap.predictor.encog.EncogPredictor;
import org.layerswap.predictor.encog.EncogSettings;
import org.layerswap.predictor.encog.NetworkKind;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;

class EncogComponentTest {

    static EncogPredictor.Config config(NetworkKind kind, int intervalMinutes) {
        return config(kind.name(), intervalMinutes);
    }

    static EncogPredictor.Config config(String kind, int intervalMinutes) {
        return new EncogPredictor.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return EncogPredictor.Config.class;
            }

            @Override
            public int queueCapacity() {
                return 65_536;
            }

            @Override
            public int sampleEvery() {
                return 1;
            }

            @Override
            public int hiddenNeurons() {
                return 8;
            }

            @Override
            public int trainIntervalMinutes() {
                return intervalMinutes;
            }

            @Override
            public String networkType() {
                return kind;
            }

            @Override
            public int maxTrackedFunctions() {
                return 1_234;
            }
        };
    }

    @Test
    void theConfigurationMapsToABackgroundTrainerOnTheTraceTimeSchedule() {
        EncogSettings s = EncogComponent.settings(config(NetworkKind.ELMAN, 15));
        assertEquals(EncogSettings.Training.BACKGROUND, s.training());
        assertEquals(15 * 60_000L, s.trainIntervalMillis());
        assertEquals(NetworkKind.ELMAN, s.network());
        assertEquals(1_234, s.maxTrackedFunctions());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncogComponent.settings(config(NetworkKind.ELMAN, 0)));
        assertTrue(e.getMessage().contains("trainIntervalMinutes"), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> EncogComponent.settings(config("jordan", 60)));
        assertTrue(bad.getMessage().contains("'jordan'"), bad.getMessage());
    }

    @Test
    void switchingBetweenFeedForwardAndElmanKeepsServing() throws Exception {
        EncogComponent c = new EncogComponent();
        c.activate(config(NetworkKind.FEED_FORWARD, 60));
        try {
            ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), c);
            List<InvocationEvent> events = org.layerswap.predictor.encog.TestTraces.diurnal(21, 0, 6 * 86_400_000L).events();
            events.forEach(e::record);
            EncogPredictor p = c.predictor();
            awaitDrained(p);
            assertTrue(p.status().networkActive(), p.status().toString());
            long now = events.get(events.size() - 1).timestampMillis();
            double served = e.functionProbability("office", now);

            c.modified(config(NetworkKind.ELMAN, 60));
            assertEquals(NetworkKind.ELMAN, p.settings().network());
            assertEquals(NetworkKind.FEED_FORWARD, p.status().activeNetwork(), "the trained network keeps answering");
            assertEquals(served, e.functionProbability("office", now), 0.0);

            long trainings = p.status().trainings();
            org.layerswap.predictor.encog.TestTraces.diurnal(23, 6 * 86_400_000L, 9 * 86_400_000L).events()
                    .forEach(e::record);
            awaitDrained(p);
            assertTrue(p.status().trainings() > trainings, p.status().toString());
            assertNotEquals(NetworkKind.FEED_FORWARD, p.status().activeNetwork(), "a new round used the Elman network");
            double elman = e.functionProbability("office", e.now());
            assertTrue(elman >= 0 && elman <= 1, "serving after the switch: " + elman);

            c.modified(config(NetworkKind.FEED_FORWARD, 60));
            double back = e.functionProbability("office", e.now());
            assertEquals(elman, back, 0.0, "switching back serves on without a gap until the next round");
        } finally {
            c.deactivate();
        }
    }

    private static void awaitDrained(EncogPredictor p) {
        Await.until(Duration.ofMinutes(2), () -> p.status().idle(), () -> "the background trainer to drain its queue: " + p.status());
    }
}
