package org.layerswap.predictor.encog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerswap.testkit.Await;
import org.layerswap.api.InvocationEvent;
import org.layerswap.predictor.histogram.HistogramPredictor;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.layerswap.profiler.testkit.Evaluation;
import org.layerswap.profiler.testkit.SyntheticTrace;

class EncogPredictorTest {

    static final long MIN = 60_000L;
    static final long DAY = 24 * 60 * MIN;

    static SyntheticTrace mixed(long seed, long days) {
        SyntheticTrace t = new SyntheticTrace(seed, 0, days * DAY)
                .timer("timer10", 10 * MIN, 0, 5_000)
                .timer("timer30", 30 * MIN, 7 * MIN, 20_000)
                .poisson("busy", 1.0)
                .poisson("slow", 0.05)
                .chain("a", "b", 0.03, 0.9, 5_000, 40_000);
        return t;
    }

    @Test
    void untrainedItIsExactlyTheHistogramEstimate() {
        EncogPredictor encog = new EncogPredictor(EncogSettings.defaults().withBackground(false));
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), encog);
        ProfilerEngine h = new ProfilerEngine(ProfilerSettings.defaults(), new HistogramPredictor());
        for (InvocationEvent ev : mixed(3, 1).events()) {
            e.record(ev);
            h.record(ev);
        }
        assertFalse(encog.status().networkActive());
        for (String f : List.of("timer10", "timer30", "busy", "slow", "a", "b", "unknown")) {
            for (long dt = 0; dt < 20 * MIN; dt += 3 * MIN) {
                assertEquals(h.functionProbability(f, e.now() + dt), e.functionProbability(f, e.now() + dt), 1e-12, f);
            }
        }
        assertTrue(encog.status().queued() > 0, "observe() only enqueued: nothing was processed on the ingest path");
        assertEquals(0, encog.status().labelledSamples());
    }

    @Test
    void observeIsBoundedAndDropsTheOldest() {
        EncogPredictor encog = new EncogPredictor(EncogSettings.defaults().withBackground(false).withQueueCapacity(100));
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), encog);
        for (int i = 0; i < 10_000; i++) {
            e.record(InvocationEvent.of("f" + (i % 7), i * 1000L));
        }
        EncogPredictor.Status s = encog.status();
        assertEquals(100, s.queued());
        assertTrue(s.dropped() > 9_000, s.toString());
        encog.trainNow(); // the survivors are the newest: they label without error
        assertEquals(0, encog.status().queued());
    }

    @Test
    void trainsInManualModeAndIsNoWorseThanTheFallbackOnUnseenData() {
        EncogPredictor encog = new EncogPredictor(EncogSettings.defaults().withBackground(false).withSampleEvery(1));
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), encog);
        List<InvocationEvent> train = mixed(11, 3).events();
        long nextTrain = 60 * MIN;
        for (InvocationEvent ev : train) {
            e.record(ev);
            if (ev.timestampMillis() >= nextTrain) {
                encog.trainNow();
                nextTrain += 60 * MIN;
            }
        }
        encog.trainNow();
        EncogPredictor.Status s = encog.status();
        assertTrue(s.trainings() > 0, s.toString());
        assertTrue(s.labelledSamples() > 5_000, s.toString());
        assertEquals(300_000L, s.trainedWindowMillis());
        // evaluate on the next day, continuing the same profiles; a histogram engine sees the same events
        SyntheticTrace day4 = mixedShifted(12, 3 * DAY, 4 * DAY);
        ProfilerEngine h = new ProfilerEngine(ProfilerSettings.defaults(), new HistogramPredictor());
        train.forEach(h::record);
        List<String> fns = List.of("timer10", "timer30", "busy", "slow", "a", "b");
        Evaluation ee = Evaluation.run(e, day4.events(), fns, 3 * DAY, 4 * DAY, 0, MIN);
        Evaluation he = Evaluation.run(h, day4.events(), fns, 3 * DAY, 4 * DAY, 0, MIN);
        System.out.println("encog " + encog.status() + "\n" + ee + "histogram\n" + he);
        // whether the network or the fallback answered, it must be no worse than the histogram (the gate
        // publishes the network only when it beat the fallback on held-out samples) and beat the constant
        assertTrue(ee.all.brier() <= he.all.brier() * 1.05, "encog " + ee.all + " vs histogram " + he.all);
        assertTrue(ee.all.brier() < 0.6 * ee.all.constantBrier(), ee.toString());
        if (s.networkActive()) {
            assertTrue(s.validationBrier() < s.fallbackBrier(), s.toString());
        }
    }

    static SyntheticTrace mixedShifted(long seed, long start, long end) {
        return new SyntheticTrace(seed, start, end)
                .timer("timer10", 10 * MIN, 0, 5_000)
                .timer("timer30", 30 * MIN, 7 * MIN, 20_000)
                .poisson("busy", 1.0)
                .poisson("slow", 0.05)
                .chain("a", "b", 0.03, 0.9, 5_000, 40_000);
    }

    static SyntheticTrace diurnal(long seed, long start, long end) {
        return TestTraces.diurnal(seed, start, end);
    }

    @Test
    void learnsTimeOfDayThatTheHistogramCannotSee() {
        EncogPredictor encog = new EncogPredictor(EncogSettings.defaults().withBackground(false).withSampleEvery(1));
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), encog);
        ProfilerEngine h = new ProfilerEngine(ProfilerSettings.defaults(), new HistogramPredictor());
        List<InvocationEvent> train = diurnal(21, 0, 6 * DAY).events();
        long nextTrain = 60 * MIN;
        for (InvocationEvent ev : train) {
            e.record(ev);
            h.record(ev);
            if (ev.timestampMillis() >= nextTrain) {
                encog.trainNow();
                nextTrain += 60 * MIN;
            }
        }
        encog.trainNow();
        SyntheticTrace day7 = diurnal(22, 6 * DAY, 7 * DAY);
        List<String> fns = List.of("office", "timer10");
        Evaluation ee = Evaluation.run(e, day7.events(), fns, 6 * DAY, 7 * DAY, 0, MIN);
        Evaluation he = Evaluation.run(h, day7.events(), fns, 6 * DAY, 7 * DAY, 0, MIN);
        System.out.println("diurnal: encog " + encog.status() + "\n" + ee + "histogram\n" + he);
        assertTrue(encog.status().networkActive(), encog.status().toString());
        assertTrue(ee.perFunction.get("office").brier() < he.perFunction.get("office").brier(),
                "office: encog " + ee.perFunction.get("office") + " vs histogram " + he.perFunction.get("office"));
    }

    static EncogSettings inline(NetworkKind kind) {
        return EncogSettings.replay().withSampleEvery(1).withNetwork(kind);
    }

    /** Records the events and returns the engine's probabilities for every function at 12 later moments. */
    static double[] recordAndScore(ProfilerEngine e, List<InvocationEvent> events, List<String> fns) {
        events.forEach(e::record);
        return score(e, events.get(events.size() - 1).timestampMillis(), fns);
    }

    static double[] score(ProfilerEngine e, long end, List<String> fns) {
        double[] out = new double[12 * fns.size()];
        for (int i = 0; i < 12; i++) {
            for (int f = 0; f < fns.size(); f++) {
                out[i * fns.size() + f] = e.functionProbability(fns.get(f), end + i * 2 * MIN);
            }
        }
        return out;
    }

    @Test
    void trainingInTraceTimeIsDeterministicSoTwoReplaysScoreTheSame() {
        List<InvocationEvent> events = diurnal(21, 0, 6 * DAY).events();
        List<String> fns = List.of("office", "timer10");
        for (NetworkKind kind : NetworkKind.values()) {
            EncogPredictor a = new EncogPredictor(inline(kind));
            EncogPredictor b = new EncogPredictor(inline(kind));
            double[] sa = recordAndScore(new ProfilerEngine(ProfilerSettings.defaults(), a), events, fns);
            double[] sb = recordAndScore(new ProfilerEngine(ProfilerSettings.defaults(), b), events, fns);
            assertTrue(a.status().trainings() > 0, a.status().toString());
            assertEquals(a.status(), b.status());
            org.junit.jupiter.api.Assertions.assertArrayEquals(sa, sb, 0.0, kind.toString());
        }
    }

    @Test
    void roundsAreTriggeredByTheEventsTimestampsNotByTheWallClock() {
        EncogPredictor encog = new EncogPredictor(EncogSettings.replay().withSampleEvery(1)
                .withSchedule(30 * MIN, 100, 100, 20));
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), encog);
        // 3,000 events within 29 minutes of trace time: many labelled samples, but no boundary reached
        for (int i = 0; i < 3_000; i++) {
            e.record(InvocationEvent.of("f" + (i % 5), i * (29 * MIN) / 3_000));
        }
        assertTrue(encog.status().labelledSamples() >= 100, encog.status().toString());
        assertEquals(0, encog.status().trainings(), "no round before 30 min of trace time");
        e.record(InvocationEvent.of("f0", 30 * MIN)); // the boundary: the round runs inline, at once
        assertEquals(1, encog.status().trainings());
        // 3 h more of trace time delivered in milliseconds of wall time: one round per 30 min of trace time
        for (int i = 1; i <= 3_000; i++) {
            e.record(InvocationEvent.of("f" + (i % 5), 30 * MIN + i * (180 * MIN) / 3_000));
        }
        assertEquals(7, encog.status().trainings());
    }

    @Test
    void theBackgroundTrainerRunsTheSameRoundsAsTheInlineOne() throws Exception {
        List<InvocationEvent> events = diurnal(21, 0, 6 * DAY).events();
        List<String> fns = List.of("office", "timer10");
        EncogPredictor inline = new EncogPredictor(inline(NetworkKind.FEED_FORWARD));
        double[] expected = recordAndScore(new ProfilerEngine(ProfilerSettings.defaults(), inline), events, fns);
        EncogPredictor background = new EncogPredictor(inline(NetworkKind.FEED_FORWARD)
                .withTraining(EncogSettings.Training.BACKGROUND));
        try {
            ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), background);
            events.forEach(e::record);
            Await.until(Duration.ofMinutes(2), () -> background.status().idle(),
                    () -> "the background trainer to drain its queue: " + background.status());
            assertEquals(inline.status(), background.status()); // same rounds, same held-out scores
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, score(e, events.get(events.size() - 1).timestampMillis(), fns), 0.0);
        } finally {
            background.close();
        }
    }

    @Test
    void backgroundTrainerLearnsWithoutBeingCalled() throws Exception {
        EncogPredictor encog = new EncogPredictor(EncogSettings.defaults().withSampleEvery(2));
        try {
            ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), encog);
            mixed(5, 2).events().forEach(e::record);
            Await.until(Duration.ofSeconds(60), () -> encog.status().trainings() > 0,
                    () -> "a background training round: " + encog.status());
        } finally {
            encog.close();
        }
    }
}
