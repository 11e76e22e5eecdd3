package org.layerswap.predictor.markov;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.predictor.histogram.HistogramPredictor;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.layerswap.profiler.testkit.Evaluation;
import org.layerswap.profiler.testkit.SyntheticTrace;

class MarkovPredictorTest {

    static final long MIN = 60_000L;

    static LayerId layer(int i) {
        return LayerId.of(String.format("sha256:%064x", i));
    }

    static SyntheticTrace chainTrace() {
        return new SyntheticTrace(17, 0, 24 * 60 * MIN)
                .chain("a", "b", 0.05, 0.9, 2_000, 20_000)
                .poisson("busy", 2.0)
                .timer("timer", 10 * MIN, 0, 3_000);
    }

    @Test
    void chainFollowerIsPredictedRightAfterItsPredecessor() {
        SyntheticTrace trace = chainTrace();
        ProfilerEngine markov = new ProfilerEngine(ProfilerSettings.defaults(), new MarkovPredictor());
        ProfilerEngine histogram = new ProfilerEngine(ProfilerSettings.defaults(), new HistogramPredictor());
        markov.updateFunctionLayers(FunctionLayerMap.of(Map.of("a", List.of(layer(1)), "b", List.of(layer(2)),
                "busy", List.of(layer(3)))));
        double sumMarkov = 0;
        double sumHist = 0;
        int afterA = 0;
        for (InvocationEvent e : trace.events()) {
            markov.record(e);
            histogram.record(e);
            if (e.functionId().equals("a") && e.timestampMillis() > 240 * MIN) {
                sumMarkov += markov.functionProbability("b", e.timestampMillis());
                sumHist += histogram.functionProbability("b", e.timestampMillis());
                afterA++;
                // the layer of b is scored on the event itself (b is a follower of a)
                assertTrue(markov.score(layer(2)).orElseThrow().score() > 0.6,
                        "layer of b right after a: " + markov.score(layer(2)));
            }
        }
        assertTrue(afterA > 30);
        double meanMarkov = sumMarkov / afterA;
        double meanHist = sumHist / afterA;
        assertTrue(meanMarkov > 0.8, "markov P(b) right after a = " + meanMarkov);
        assertTrue(meanHist < 0.5, "histogram P(b) right after a = " + meanHist);
    }

    @Test
    void beatsHistogramOnChainsAndStaysSharpOnTimers() {
        // a 30 s window (checkpoints every 2 s): whether b runs next is largely decided by whether a just
        // ran, which only the chain model knows; over a 5-minute window the chain is a small part of b's odds
        // (most checkpoints whose window holds b come before a)
        ProfilerSettings minute = ProfilerSettings.defaults().withWindowMillis(30_000).withCoOccurrenceWindowMillis(30_000);
        SyntheticTrace trace = new SyntheticTrace(17, 0, 24 * 60 * MIN)
                .chain("a", "b", 0.05, 0.9, 5_000, 25_000)
                .poisson("busy", 2.0)
                .timer("timer", 10 * MIN, 0, 3_000);
        List<String> fns = List.of("a", "b", "busy", "timer");
        Evaluation m = Evaluation.run(new ProfilerEngine(minute, new MarkovPredictor()),
                trace.events(), fns, 0, trace.end(), 120 * MIN, 2_000);
        Evaluation h = Evaluation.run(new ProfilerEngine(minute, new HistogramPredictor()),
                trace.events(), fns, 0, trace.end(), 120 * MIN, 2_000);
        Evaluation.Stats mb = m.perFunction.get("b");
        Evaluation.Stats hb = h.perFunction.get("b");
        assertTrue(mb.brier() < 0.7 * hb.brier(), "b: markov " + mb + " vs histogram " + hb);
        assertTrue(mb.brier() < 0.7 * mb.constantBrier(), "b: " + mb);
        assertTrue(m.all.brier() < h.all.brier(), "markov " + m + " histogram " + h);
        assertTrue(m.all.brier() < 0.8 * m.all.constantBrier(), m.toString());
        // and on the default 5-minute window it is at least as good as the histogram and sharp on the timer
        ProfilerSettings five = ProfilerSettings.defaults();
        Evaluation m5 = Evaluation.run(new ProfilerEngine(five, new MarkovPredictor()),
                trace.events(), fns, 0, trace.end(), 120 * MIN, 30_000);
        Evaluation h5 = Evaluation.run(new ProfilerEngine(five, new HistogramPredictor()),
                trace.events(), fns, 0, trace.end(), 120 * MIN, 30_000);
        assertTrue(m5.all.brier() <= h5.all.brier(), "markov " + m5 + " histogram " + h5);
        Evaluation.Stats mt = m5.perFunction.get("timer");
        assertTrue(mt.brier() < 0.2 * mt.constantBrier(), "timer: " + mt);
        System.out.println("window 30 s, markov:\n" + m + "histogram:\n" + h);
        System.out.println("window 5 min, markov:\n" + m5 + "histogram:\n" + h5);
    }

    @Test
    void frequentUnrelatedFunctionsGetNoChainBonus() {
        SyntheticTrace trace = chainTrace();
        ProfilerEngine markov = new ProfilerEngine(ProfilerSettings.defaults(), new MarkovPredictor());
        ProfilerEngine histogram = new ProfilerEngine(ProfilerSettings.defaults(), new HistogramPredictor());
        double maxDiff = 0;
        for (InvocationEvent e : trace.events()) {
            markov.record(e);
            histogram.record(e);
            if (e.functionId().equals("a") && e.timestampMillis() > 120 * MIN) {
                maxDiff = Math.max(maxDiff, Math.abs(markov.functionProbability("busy", e.timestampMillis())
                        - histogram.functionProbability("busy", e.timestampMillis())));
            }
        }
        assertTrue(markov.profiles().followers("a").containsKey("busy"), "busy does co-occur with a");
        assertTrue(maxDiff < 0.05, "chain bonus for a frequent independent function: " + maxDiff);
    }

    @Test
    void noPredecessorsMeansTheSelfEstimate() {
        ProfilerEngine markov = new ProfilerEngine(ProfilerSettings.defaults(), new MarkovPredictor());
        ProfilerEngine histogram = new ProfilerEngine(ProfilerSettings.defaults(), new HistogramPredictor());
        new SyntheticTrace(2, 0, 6 * 60 * MIN).timer("t", 10 * MIN, 0, 0).events().forEach(ev -> {
            markov.record(ev);
            histogram.record(ev);
        });
        for (long dt = 0; dt < 10 * MIN; dt += MIN) {
            long now = markov.now() + dt;
            assertEquals(histogram.functionProbability("t", now), markov.functionProbability("t", now), 1e-12);
        }
        assertEquals(0.0, markov.functionProbability("never-seen"));
    }
}
