package org.layerswap.profiler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.FunctionProfile;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.api.NextUse;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;
import org.layerswap.profiler.testkit.Evaluation;
import org.layerswap.profiler.testkit.SyntheticTrace;

class ProfilerEngineTest {

    static final long MIN = 60_000L;

    static LayerId layer(int i) {
        return LayerId.of(String.format("sha256:%064x", i));
    }

    /** A predictor with fixed per-function probabilities. */
    static Predictor fixed(String name, Map<String, Double> p) {
        return new Predictor() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double probability(ProfileView view, String fn, long now, long window) {
                return p.getOrDefault(fn, 0.0);
            }
        };
    }

    @Test
    void sharedLayerCombinesFunctionProbabilitiesAsNoisyOr() {
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), fixed("fixed", Map.of("a", 0.5, "b", 0.2)));
        e.updateFunctionLayers(FunctionLayerMap.of(Map.of("a", List.of(layer(1), layer(2)), "b", List.of(layer(1), layer(3)))));
        e.record(InvocationEvent.of("a", 1000));
        Map<LayerId, PredictionScore> s = e.scores();
        assertEquals(1 - 0.5 * 0.8, s.get(layer(1)).score(), 1e-12);
        assertEquals(0.5, s.get(layer(2)).score(), 1e-12);
        assertEquals(0.2, s.get(layer(3)).score(), 1e-12);
        assertEquals(List.of(layer(1), layer(2), layer(3)), e.topK(3).stream().map(PredictionScore::layerId).toList());
        assertEquals(1, e.topK(1).size());
    }

    @Test
    void topKAgreesWithSortingEveryScore() {
        Random r = new Random(3);
        Map<String, Double> p = new java.util.HashMap<>();
        Map<String, List<LayerId>> stacks = new java.util.HashMap<>();
        for (int f = 0; f < 200; f++) {
            p.put("f" + f, f % 7 == 0 ? 0.5 : r.nextDouble()); // ties included
            stacks.put("f" + f, List.of(layer(f), layer(1000 + f % 13)));
        }
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), fixed("fixed", p));
        e.updateFunctionLayers(FunctionLayerMap.of(stacks));
        for (int f = 0; f < 200; f++) {
            e.record(InvocationEvent.of("f" + f, f));
        }
        List<PredictionScore> all = new ArrayList<>(e.scores().values());
        all.sort((a, b) -> {
            int c = Double.compare(b.score(), a.score());
            return c != 0 ? c : a.layerId().compareTo(b.layerId());
        });
        for (int k : new int[] {1, 5, 20, 213, 500}) {
            assertEquals(all.subList(0, Math.min(k, all.size())), e.topK(k), "k=" + k);
        }
    }

    @Test
    void incrementalScoresEqualAFullRescoreAtTheSameTime() {
        // a predictor that depends on the state (time since last, followers) so that increments matter
        Predictor stateful = new Predictor() {
            @Override
            public String name() {
                return "stateful";
            }

            @Override
            public double probability(ProfileView v, String fn, long now, long w) {
                FunctionProfile p = v.profile(fn);
                if (p == null) {
                    return 0;
                }
                double follow = v.predecessors(fn).values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
                return Math.min(1, 0.5 * Math.exp(-(now - p.lastSeenMillis()) / 600_000.0) + 0.4 * follow);
            }
        };
        ProfilerSettings settings = ProfilerSettings.defaults().withAutoRescoreMillis(0);
        ProfilerEngine e = new ProfilerEngine(settings, stateful);
        Random r = new Random(7);
        Map<String, List<LayerId>> stacks = new java.util.HashMap<>();
        for (int f = 0; f < 30; f++) {
            stacks.put("f" + f, List.of(layer(0), layer(1 + f % 5), layer(100 + f)));
        }
        e.updateFunctionLayers(FunctionLayerMap.of(stacks));
        long t = 0;
        for (int i = 0; i < 5000; i++) {
            t += r.nextInt(2000);
            e.record(InvocationEvent.of("f" + r.nextInt(30), t));
        }
        // every function was scored at a different time; rescore each incrementally at one time by hand:
        Map<LayerId, Double> incremental = new java.util.HashMap<>();
        e.rescore(t);
        e.scores().forEach((l, s) -> incremental.put(l, s.score()));
        // now a from-scratch engine with the same events and a rescore at the same time
        ProfilerEngine fresh = new ProfilerEngine(settings, stateful);
        fresh.restore(e.snapshot());
        fresh.updateFunctionLayers(FunctionLayerMap.of(stacks));
        fresh.rescore(t);
        fresh.scores().forEach((l, s) -> assertEquals(incremental.get(l), s.score(), 1e-9, "layer " + l));
        // and incremental updates after the rescore agree with a full rescore at the last event's time
        for (int i = 0; i < 2000; i++) {
            t += r.nextInt(100);
            e.record(InvocationEvent.of("f" + r.nextInt(30), t));
        }
        // scores of layers touched only by functions rescored at t must match: check the invoked function
        String last = e.profiles().lastEvent().functionId();
        double before = e.score(layer(100 + Integer.parseInt(last.substring(1)))).orElseThrow().score();
        e.rescore(t);
        double after = e.score(layer(100 + Integer.parseInt(last.substring(1)))).orElseThrow().score();
        assertEquals(after, before, 1e-9);
    }

    @Test
    void poissonRateIsLearnedAndTheBuiltInEstimateIsCalibrated() {
        double rate = 0.4; // per minute; P(run within 5 min) = 1 - e^-2 = 0.865
        SyntheticTrace trace = new SyntheticTrace(11, 0, 24 * 60 * MIN).poisson("p", rate).poisson("q", 0.05);
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), null);
        Evaluation ev = Evaluation.run(e, trace.events(), List.of("p", "q"), 0, trace.end(), 60 * MIN, 2 * MIN);
        FunctionProfile p = e.profiles().profile("p");
        assertEquals(rate, p.ratePerMinute(), 0.1, "learned rate");
        Evaluation.Stats ps = ev.perFunction.get("p");
        assertEquals(1 - Math.exp(-rate * 5), ps.meanPredicted(), 0.05, "mean predicted probability");
        assertEquals(ps.baseRate(), ps.meanPredicted(), 0.05, "calibration against observed frequency");
        // a Poisson function is the one case where no predictor can beat its own base rate: stay close
        assertTrue(ps.brier() < ps.constantBrier() + 0.02, ps.toString());
        // across the two functions the rate separates them: beats the pooled constant
        assertTrue(ev.all.brier() < ev.all.constantBrier(), ev.toString());
        assertTrue(ev.auc > 0.8, ev.toString());
    }

    @Test
    void coOccurrenceLearnsAChainAndNotUnrelatedFunctions() {
        SyntheticTrace trace = new SyntheticTrace(3, 0, 12 * 60 * MIN)
                .chain("a", "b", 0.2, 0.9, 2_000, 20_000)
                .poisson("c", 0.2);
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), null);
        trace.events().forEach(e::record);
        Map<String, Double> fa = e.profiles().followers("a");
        assertEquals(0.9, fa.get("b"), 0.08, "P(b follows a) " + fa);
        // c runs at 0.2/min independently: P(c within 60 s after a) = 1 - e^-0.2 = 0.18
        assertTrue(fa.getOrDefault("c", 0.0) < 0.35, "c is not a follower of a: " + fa);
        assertTrue(e.profiles().predecessors("b").get("a") > 0.8);
        assertFalse(e.profiles().followers("b").getOrDefault("a", 0.0) > 0.5, "a does not follow b");
    }

    @Test
    void predictorSwapKeepsProfilesAndRescoresWithTheNewPredictor() {
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), fixed("low", Map.of("a", 0.1)));
        e.updateFunctionLayers(FunctionLayerMap.of(Map.of("a", List.of(layer(1)))));
        for (int i = 0; i < 100; i++) {
            e.record(InvocationEvent.of("a", i * 1000L));
        }
        assertEquals(0.1, e.score(layer(1)).orElseThrow().score(), 1e-12);
        FunctionProfile before = e.profiles().profile("a");
        Predictor old = e.setPredictor(fixed("high", Map.of("a", 0.9)));
        assertEquals("low", old.name());
        assertEquals("high", e.activePredictor());
        assertEquals(0.9, e.score(layer(1)).orElseThrow().score(), 1e-12, "rescored by the new predictor at once");
        FunctionProfile after = e.profiles().profile("a");
        assertEquals(before.invocationCount(), after.invocationCount());
        assertEquals(100, after.invocationCount());
        assertEquals(before.idleTimeTotal(), after.idleTimeTotal());
        e.record(InvocationEvent.of("a", 200_000));
        assertEquals(101, e.profiles().profile("a").invocationCount());
        e.setPredictor(null);
        assertEquals(PoissonPredictor.NAME, e.activePredictor());
    }

    @Test
    void predictorSwapWhileEventsFlowLosesNoEvent() throws Exception {
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), null);
        e.updateFunctionLayers(FunctionLayerMap.of(Map.of("a", List.of(layer(1)), "b", List.of(layer(2)))));
        int perThread = 50_000;
        AtomicLong ts = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            String fn = w == 0 ? "a" : "b";
            Thread t = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    e.record(InvocationEvent.of(fn, ts.incrementAndGet()));
                }
            });
            writers.add(t);
            t.start();
        }
        Predictor p1 = fixed("one", Map.of("a", 0.3));
        Predictor p2 = fixed("two", Map.of("a", 0.6));
        int swaps = 0;
        while (writers.stream().anyMatch(Thread::isAlive)) {
            e.setPredictor(swaps++ % 2 == 0 ? p1 : p2);
        }
        for (Thread t : writers) {
            t.join();
        }
        assertTrue(swaps > 1);
        assertEquals(perThread, e.profiles().profile("a").invocationCount());
        assertEquals(perThread, e.profiles().profile("b").invocationCount());
        assertEquals(2L * perThread, e.eventsRecorded());
    }

    @Test
    void failingPredictorFallsBackToTheBuiltInEstimate() {
        Predictor broken = new Predictor() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public double probability(ProfileView v, String fn, long now, long w) {
                if (fn.equals("a")) {
                    throw new IllegalStateException("boom");
                }
                return Double.NaN;
            }
        };
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), broken);
        e.updateFunctionLayers(FunctionLayerMap.of(Map.of("a", List.of(layer(1)), "b", List.of(layer(2)))));
        for (int i = 0; i < 10; i++) {
            e.record(InvocationEvent.of(i % 2 == 0 ? "a" : "b", i * 30_000L));
        }
        double expected = new PoissonPredictor().probability(e.profiles(), "a", e.now(), e.windowMillis());
        assertEquals(expected, e.functionProbability("a"), 1e-12);
        assertTrue(e.predictorErrors() > 0);
        assertTrue(e.lastPredictorError().startsWith("broken"));
    }

    @Test
    void scoresDecayOnRescoreWithTheEventClock() {
        // probability falls with time since the last invocation
        Predictor fading = new Predictor() {
            @Override
            public String name() {
                return "fading";
            }

            @Override
            public double probability(ProfileView v, String fn, long now, long w) {
                FunctionProfile p = v.profile(fn);
                return p == null ? 0 : Math.exp(-(now - p.lastSeenMillis()) / 60_000.0);
            }
        };
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults().withAutoRescoreMillis(0), fading);
        e.updateFunctionLayers(FunctionLayerMap.of(Map.of("a", List.of(layer(1)))));
        e.record(InvocationEvent.of("a", 1_000_000));
        PredictionScore s = e.score(layer(1)).orElseThrow();
        assertEquals(1.0, s.score(), 1e-12);
        assertEquals(1_000_000, s.timestampMillis(), "event time, not the wall clock");
        assertEquals(1_000_000, e.now());
        e.rescore(1_060_000);
        PredictionScore later = e.score(layer(1)).orElseThrow();
        assertEquals(Math.exp(-1), later.score(), 1e-12);
        assertEquals(1_060_000, later.timestampMillis());
        // automatic rescoring on read when the last one is stale
        ProfilerEngine auto = new ProfilerEngine(ProfilerSettings.defaults().withAutoRescoreMillis(10_000), fading);
        auto.updateFunctionLayers(FunctionLayerMap.of(Map.of("a", List.of(layer(1)), "b", List.of(layer(2)))));
        auto.record(InvocationEvent.of("a", 0));
        auto.scores();
        auto.record(InvocationEvent.of("b", 120_000));
        assertEquals(Math.exp(-2), auto.score(layer(1)).orElseThrow().score(), 1e-12);
    }

    @Test
    void listenersReceiveCoalescedChangesOffTheIngestPath() throws Exception {
        ConcurrentLinkedQueue<Runnable> queued = new ConcurrentLinkedQueue<>();
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(),
                fixed("f", Map.of("a", 0.5, "b", 0.7)), queued::add);
        e.updateFunctionLayers(FunctionLayerMap.of(Map.of("a", List.of(layer(1)), "b", List.of(layer(2)))));
        List<List<PredictionScore>> got = new ArrayList<>();
        AutoCloseable sub = e.subscribe(got::add);
        e.record(InvocationEvent.of("a", 1));
        e.record(InvocationEvent.of("b", 2));
        assertTrue(got.isEmpty(), "nothing delivered on the ingest thread");
        assertEquals(1, queued.size(), "one coalesced delivery pending");
        queued.poll().run();
        assertEquals(1, got.size());
        assertEquals(2, got.get(0).size());
        // unchanged scores are not re-sent (the run itself is still news: its next use moved)
        e.record(InvocationEvent.of("a", 3));
        assertEquals(1, queued.size(), "a delivery for the observed function");
        queued.poll().run();
        assertEquals(1, got.size(), "no second score list");
        sub.close();
        e.setPredictor(fixed("g", Map.of("a", 0.1)));
        assertTrue(queued.isEmpty(), "no deliveries without listeners");
    }

    @Test
    void parameterModelLearnsWhichValuesSelectOptionalLayers() {
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), fixed("f", Map.of("ml", 0.8)));
        LayerId base = layer(1);
        LayerId large = layer(2);
        LayerId small = layer(3);
        e.updateFunctionLayers(FunctionLayerMap.of(Map.of("ml", List.of(base))));
        Random r = new Random(5);
        for (int i = 0; i < 400; i++) {
            boolean big = r.nextBoolean();
            InvocationEvent ev = new InvocationEvent("ml", i * 1000L,
                    Map.of("model", big ? "large" : "small", "user", "u" + r.nextInt(50)), "t");
            e.record(ev);
            e.recordLayerAccess(ev, big ? List.of(base, large) : List.of(base, small));
        }
        Map<LayerId, Double> forLarge = e.optionalLayers("ml", Map.of("model", "large", "user", "u1"));
        assertTrue(forLarge.get(large) > 0.95, forLarge.toString());
        assertTrue(forLarge.get(small) < 0.05, forLarge.toString());
        Map<LayerId, Double> forSmall = e.optionalLayers("ml", Map.of("model", "small"));
        assertTrue(forSmall.get(small) > 0.95 && forSmall.get(large) < 0.05, forSmall.toString());
        Map<LayerId, Double> unknown = e.optionalLayers("ml", Map.of("model", "medium"));
        assertEquals(0.5, unknown.get(large), 0.1, "unknown value: marginal");
        // layer scores: optional layers follow the latest invocation's parameters
        e.record(new InvocationEvent("ml", 1_000_000, Map.of("model", "large"), "t"));
        assertEquals(0.8, e.score(base).orElseThrow().score(), 1e-9);
        assertTrue(e.score(large).orElseThrow().score() > 0.75, e.scores().toString());
        assertTrue(e.score(small).orElseThrow().score() < 0.05, e.scores().toString());
        assertTrue(e.optionalLayers("nobody", Map.of()).isEmpty());
    }

    @Test
    void unknownFunctionsAndRemovedLayers() {
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), fixed("f", Map.of("a", 0.5)));
        e.updateFunctionLayers(FunctionLayerMap.of(Map.of("a", List.of(layer(1)), "z", List.of(layer(9)))));
        assertEquals(0.0, e.score(layer(9)).orElseThrow().score(), "mapped but never seen: score 0");
        assertNull(e.profiles().profile("z"));
        e.updateFunctionLayers(FunctionLayerMap.of(Map.of("a", List.of(layer(1)))));
        assertTrue(e.score(layer(9)).isEmpty(), "layer of a removed function is gone");
        assertNotNull(e.score(layer(1)).orElse(null));
        assertEquals(0, e.topK(0).size());
    }

    @Test
    void outOfOrderEventsAreCountedWithoutCorruptingGaps() {
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), null);
        e.record(InvocationEvent.of("a", 10 * MIN));
        e.record(InvocationEvent.of("a", 5 * MIN));
        e.record(InvocationEvent.of("a", 12 * MIN));
        FunctionProfile p = e.profiles().profile("a");
        assertEquals(3, p.invocationCount());
        assertEquals(5 * MIN, p.firstSeenMillis());
        assertEquals(12 * MIN, p.lastSeenMillis());
        assertEquals(1, p.idleTimeTotal());
        assertEquals(1, p.idleTimeCount(2));
        int[] minutes = p.recentMinuteCounts(12 * MIN);
        assertEquals(1, minutes[minutes.length - 1]);
        assertEquals(1, minutes[minutes.length - 3]);
        assertEquals(1, minutes[minutes.length - 8]);
    }

    @Test
    void theConfiguredCoOccurrenceHalfLifeAppliesFromTheFirstEvent() {
        // 10 rounds of "b follows a", then 10 rounds of a alone, 10 minutes apart: with a 1-minute
        // half-life the old follows are forgotten; with the default 6 h they would still weigh ~half
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults().withDecayHalfLifeMillis(MIN), null);
        long t = 0;
        for (int i = 0; i < 20; i++, t += 10 * MIN) {
            e.record(InvocationEvent.of("a", t));
            if (i < 10) {
                e.record(InvocationEvent.of("b", t + 1000));
            }
        }
        assertTrue(e.profiles().followers("a").getOrDefault("b", 0.0) < 0.05, e.profiles().followers("a").toString());
    }

    @Test
    void ingestTeachesTheBuiltInNextUseModelATimersNextBeat() {
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), fixed("fixed", Map.of()));
        assertNull(e.nextUse("timer", 0), "never seen");
        for (int k = 0; k <= 10; k++) {
            e.record(InvocationEvent.of("timer", k * MIN));
        }
        NextUse n = e.nextUse("timer", 10 * MIN + 20_000);
        assertEquals(11 * MIN, n.medianMillis());
        assertEquals(11 * MIN, n.earliestMillis());
        assertFalse(n.overdue());
        assertEquals(9.0 / 10, e.nextUseProbability("timer", 10 * MIN + 20_000, MIN), 1e-12,
                "10 one-minute gaps end within the minute; without the one that helps most, 9 of 9 and the running gap");
        assertTrue(Double.isNaN(e.nextUseProbability("other", 0, MIN)));
    }

    @Test
    void aPredictorsNextUseWinsOverTheBuiltInModelWhenItAnswers() {
        NextUse own = new NextUse(5, 7, false);
        Predictor p = new Predictor() {
            @Override
            public String name() {
                return "own";
            }

            @Override
            public double probability(ProfileView view, String fn, long now, long window) {
                return 0;
            }

            @Override
            public NextUse nextUse(ProfileView view, String fn, long now) {
                return fn.equals("a") ? own : null;
            }
        };
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), p);
        e.record(InvocationEvent.of("a", 1000));
        e.record(InvocationEvent.of("b", 1000));
        e.record(InvocationEvent.of("b", 2000));
        assertEquals(own, e.nextUse("a", 3000));
        assertNotNull(e.nextUse("b", 3000), "the built-in model answers where the predictor does not");
    }
}
