package org.layerswap.predictor.histogram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.layerswap.profiler.testkit.Evaluation;
import org.layerswap.profiler.testkit.SyntheticTrace;

class HistogramPredictorTest {

    static final long MIN = 60_000L;

    static LayerId layer(int i) {
        return LayerId.of(String.format("sha256:%064x", i));
    }

    @Test
    void timerEveryTenMinutesIsPredictedSharply() {
        SyntheticTrace trace = new SyntheticTrace(42, 0, 24 * 60 * MIN)
                .timer("timer", 10 * MIN, 0, 5_000)
                .poisson("busy", 0.5)
                .poisson("rare", 0.02);
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), new HistogramPredictor());
        Evaluation ev = Evaluation.run(e, trace.events(), List.of("timer", "busy", "rare"), 0, trace.end(), 120 * MIN, MIN);
        Evaluation.Stats timer = ev.perFunction.get("timer");
        // base rate of a 10-min timer in a 5-min window is 0.5: the constant predictor scores 0.25
        assertEquals(0.5, timer.baseRate(), 0.05);
        assertTrue(timer.brier() < 0.2 * timer.constantBrier(), "timer: " + timer);
        assertTrue(ev.all.brier() < 0.6 * ev.all.constantBrier(), ev.toString());
        assertTrue(ev.auc > 0.9, ev.toString());
        // calibration where it is confident: predictions >= 0.8 come true at least 80% of the time
        assertTrue(ev.observedFrequency("timer", 0.8, 1.01) > 0.8, ev.toString());
        assertTrue(ev.observedFrequency("timer", 0.0, 0.2) < 0.2, ev.toString());
    }

    @Test
    void poissonFunctionIsCalibratedToItsRate() {
        double rate = 0.3; // P(within 5 min) = 1 - e^-1.5 = 0.777
        SyntheticTrace trace = new SyntheticTrace(9, 0, 48 * 60 * MIN).poisson("p", rate);
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), new HistogramPredictor());
        Evaluation ev = Evaluation.run(e, trace.events(), List.of("p"), 0, trace.end(), 120 * MIN, MIN);
        Evaluation.Stats s = ev.perFunction.get("p");
        assertEquals(1 - Math.exp(-rate * 5), s.meanPredicted(), 0.05, s.toString());
        assertEquals(s.baseRate(), s.meanPredicted(), 0.05, s.toString());
        // for a memoryless process the base rate is the best possible constant; stay within 0.02 of it
        assertTrue(s.brier() < s.constantBrier() + 0.02, s.toString());
    }

    @Test
    void upcomingLayersRankAboveTheRest() {
        // ten timers with different phases: at any checkpoint the ones due within 5 minutes must lead
        SyntheticTrace trace = new SyntheticTrace(5, 0, 12 * 60 * MIN);
        Map<String, List<LayerId>> stacks = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            trace.timer("t" + i, 10 * MIN, i * MIN, 0);
            stacks.put("t" + i, List.of(layer(i)));
        }
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults().withAutoRescoreMillis(0), new HistogramPredictor());
        e.updateFunctionLayers(FunctionLayerMap.of(stacks));
        List<InvocationEvent> events = trace.events();
        int i = 0;
        int checks = 0;
        for (long cp = 120 * MIN + 30_000; cp < 11 * 60 * MIN; cp += 7 * MIN) {
            while (events.get(i).timestampMillis() <= cp) {
                e.record(events.get(i++));
            }
            e.rescore(cp);
            double minUpcoming = 1;
            double maxOther = 0;
            for (int f = 0; f < 10; f++) {
                long next = ((cp - f * MIN) / (10 * MIN) + 1) * 10 * MIN + f * MIN;
                double score = e.score(layer(f)).orElseThrow().score();
                if (next <= cp + 5 * MIN) {
                    minUpcoming = Math.min(minUpcoming, score);
                } else {
                    maxOther = Math.max(maxOther, score);
                }
            }
            assertTrue(minUpcoming > maxOther, "at " + cp + ": upcoming " + minUpcoming + " vs other " + maxOther);
            checks++;
        }
        assertTrue(checks > 50);
    }
}
