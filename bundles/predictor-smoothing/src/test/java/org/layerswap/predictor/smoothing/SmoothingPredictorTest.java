package org.layerswap.predictor.smoothing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.layerswap.api.FunctionProfile;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.ProfileView;
import org.junit.jupiter.api.Test;

class SmoothingPredictorTest {

    /** A profile with a fixed smoothed rate and last invocation. */
    record Profile(String functionId, double ratePerMinute, long lastSeenMillis) implements FunctionProfile {
        public long invocationCount() { return 10; }
        public long firstSeenMillis() { return 0; }
        public int idleTimeBins() { return 1; }
        public long idleTimeCount(int bin) { return 0; }
        public long idleTimeTotal() { return 0; }
        public int[] recentMinuteCounts(long nowMillis) { return new int[0]; }
        public double[] hourOfDayProfile() { return new double[24]; }
    }

    static ProfileView view(FunctionProfile p) {
        return new ProfileView() {
            public FunctionProfile profile(String id) { return id.equals(p.functionId()) ? p : null; }
            public java.util.Collection<String> functions() { return List.of(p.functionId()); }
            public Map<String, Double> followers(String id) { return Map.of(); }
            public long coOccurrenceWindowMillis() { return 60_000; }
            public InvocationEvent lastEvent() { return null; }
        };
    }

    @Test
    void poissonProbabilityFromTheSmoothedRate() {
        SmoothingPredictor p = new SmoothingPredictor(1800);
        // 0.2 invocations per minute, seen just now: P(any in 5 min) = 1 - e^-1
        double prob = p.probability(view(new Profile("f", 0.2, 1_000_000)), "f", 1_000_000, 300_000);
        assertEquals(1 - Math.exp(-1), prob, 1e-12);
    }

    @Test
    void rateFadesWithIdleTime() {
        SmoothingPredictor p = new SmoothingPredictor(1800);
        ProfileView v = view(new Profile("f", 0.2, 0));
        double fresh = p.probability(v, "f", 0, 300_000);
        double halfLifeLater = p.probability(v, "f", 1_800_000, 300_000);
        assertEquals(1 - Math.exp(-0.5), halfLifeLater, 1e-12);
        assertTrue(halfLifeLater < fresh);
        assertTrue(p.probability(v, "f", 100 * 1_800_000L, 300_000) < 1e-9);
    }

    @Test
    void unknownFunctionsAndBadConfig() {
        SmoothingPredictor p = new SmoothingPredictor(60);
        assertEquals(0.0, p.probability(view(new Profile("f", 1, 0)), "g", 0, 300_000));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SmoothingPredictor(0));
        assertTrue(e.getMessage().contains("idleHalfLifeSeconds"));
    }
}
