package org.layerswap.profiler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;

class RescoringTest {

    private final Object lock = new Object();
    private final Map<String, Double> probabilities = new HashMap<>();
    /** The notifier's executor: deliveries wait here; each records whether the engine lock was held when scheduled. */
    private final List<Runnable> queued = new ArrayList<>();
    private final List<Boolean> scheduledUnderLock = new ArrayList<>();
    private final List<List<PredictionScore>> delivered = new ArrayList<>();
    private LayerScores scores;
    private final ScoreNotifier notifier = new ScoreNotifier(lock, r -> {
        scheduledUnderLock.add(Thread.holdsLock(lock));
        queued.add(r);
    }, l -> scores.delivered(l), 0.01);
    private long autoRescoreMillis = 1_000;
    private long now;
    private final Rescoring rescoring;

    RescoringTest() {
        scores = new LayerScores(notifier, (fn, t) -> probabilities.getOrDefault(fn, 0.0));
        rescoring = new Rescoring(lock, scores, notifier, () -> autoRescoreMillis, () -> now);
        scores.setLayerMap(FunctionLayerMap.of(Map.of("a", List.of(layer(1)))), new HashMap<>());
        notifier.subscribe(delivered::add);
        probabilities.put("a", 0.5);
    }

    private static LayerId layer(int i) {
        return ProfilerEngineTest.layer(i);
    }

    private double scoreOfLayer1() {
        return rescoring.read(() -> scores.score(layer(1))).map(PredictionScore::score).orElse(Double.NaN);
    }

    private void runDeliveries() {
        for (Runnable r : List.copyOf(queued)) {
            queued.remove(r);
            r.run();
        }
    }

    @Test
    void aReadRescoresEverythingFirstOnlyWhenTheLastFullRescoreIsAtLeastTheIntervalOld() {
        assertEquals(0.5, scoreOfLayer1(), 1e-12, "the first read: never rescored before");
        probabilities.put("a", 0.8);
        now = 999;
        assertEquals(0.5, scoreOfLayer1(), 1e-12, "999 ms old: read as is");
        now = 1_000;
        assertEquals(0.8, scoreOfLayer1(), 1e-12);
    }

    @Test
    void withTheIntervalZeroAReadNeverRescores() {
        autoRescoreMillis = 0;
        assertEquals(0.0, scoreOfLayer1(), "bound to a, but no rescore ever ran: a's 0.5 is not applied");
        assertEquals(List.of(), queued);
    }

    @Test
    void aReadWhoseRescoreMovedScoresSchedulesOneDeliveryAfterUnlocking() {
        rescoring.read(() -> {
            assertTrue(Thread.holdsLock(lock), "the read runs under the engine lock");
            return null;
        });
        assertEquals(List.of(false), scheduledUnderLock, "one delivery, scheduled outside the lock");
        scoreOfLayer1(); // not stale: nothing moved, nothing scheduled
        assertEquals(1, queued.size());
        runDeliveries();
        assertEquals(1, delivered.size());
        assertEquals(layer(1), delivered.get(0).get(0).layerId());
    }

    @Test
    void aFullRescoreTellsTheCallerToScheduleADeliveryOnlyWhenScoresMovedAndRestartsTheInterval() {
        boolean schedule;
        synchronized (lock) {
            schedule = rescoring.rescoreLocked(5_000);
        }
        assertTrue(schedule);
        assertEquals(List.of(), queued, "the caller schedules it");
        notifier.deliverLater(schedule);
        runDeliveries();
        synchronized (lock) {
            assertFalse(rescoring.rescoreLocked(5_000), "nothing moved");
        }
        probabilities.put("a", 0.9);
        now = 5_999;
        assertEquals(0.5, scoreOfLayer1(), 1e-12, "the full rescore at 5 s restarted the interval");
        assertEquals(List.of(), queued);
    }
}
