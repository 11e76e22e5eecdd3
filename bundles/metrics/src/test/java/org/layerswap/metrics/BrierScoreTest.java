package org.layerswap.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BrierScoreTest {

    final Map<String, Double> forecast = new HashMap<>(Map.of("a", 0.9, "b", 0.2));
    final Map<String, Long> counts = new HashMap<>(Map.of("a", 5L, "b", 1L));
    String predictor = "markov";
    final BrierScore brier = new BrierScore(() -> List.copyOf(forecast.keySet()), forecast::get, counts::get, () -> predictor);

    @Test
    void forecastsAreScoredAgainstWhetherTheFunctionRanWithinTheWindow() {
        brier.tick(0, 1_000);
        assertTrue(Double.isNaN(brier.score()), "nothing scored before a window passed");
        counts.put("a", 6L); // a ran (forecast 0.9), b did not (forecast 0.2)
        brier.tick(1_000, 1_000);
        assertEquals(((0.1 * 0.1) + (0.2 * 0.2)) / 2, brier.score(), 1e-12);
        assertEquals(2, brier.scored());
        assertEquals("markov", brier.predictor());
    }

    @Test
    void aForecastIsScoredOnlyAfterItsFullWindowAndOnlyOnce() {
        brier.tick(0, 1_000);
        counts.put("a", 6L);
        brier.tick(500, 1_000);
        assertEquals(0, brier.scored());
        brier.tick(1_000, 1_000);
        brier.tick(1_200, 1_000);
        assertEquals(2, brier.scored());
        brier.tick(2_000, 1_000); // the second window: neither ran
        assertEquals(((0.1 * 0.1) + (0.2 * 0.2) + (0.9 * 0.9) + (0.2 * 0.2)) / 4, brier.score(), 1e-12);
    }

    @Test
    void switchingPredictorsRestartsTheScoreForTheNewOne() {
        brier.tick(0, 1_000);
        brier.tick(1_000, 1_000);
        predictor = "histogram";
        brier.tick(1_100, 1_000);
        assertEquals("histogram", brier.predictor());
        assertEquals(0, brier.scored());
        assertTrue(Double.isNaN(brier.score()));
    }

    @Test
    void functionsWithoutAForecastAreLeftOutAndABadWindowIsRefused() {
        forecast.put("c", Double.NaN);
        counts.put("c", 0L);
        brier.tick(0, 1_000);
        brier.tick(1_000, 1_000);
        assertEquals(2, brier.scored());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> brier.tick(2_000, 0));
        assertEquals("the forecast window must be positive, got 0 ms", e.getMessage());
    }
}
