package org.layerswap.profiler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;

class PredictorSelectorTest {

    static PredictorSelector.Candidate c(String name, int ranking, long id) {
        Predictor p = new Predictor() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double probability(ProfileView v, String f, long n, long w) {
                return 0;
            }
        };
        return new PredictorSelector.Candidate(p, name, ranking, id);
    }

    @Test
    void configuredNameWinsOverRanking() {
        var list = List.of(c("histogram", 100, 1), c("markov", 200, 2), c("encog", 50, 3));
        assertEquals("encog", PredictorSelector.select(list, "encog").orElseThrow().name());
        assertEquals("histogram", PredictorSelector.select(list, " histogram ").orElseThrow().name());
    }

    @Test
    void absentConfiguredNameFallsBackToHighestRankingThenLowestServiceId() {
        var list = List.of(c("histogram", 100, 1), c("markov", 200, 5), c("other", 200, 4));
        assertEquals("other", PredictorSelector.select(list, "encog").orElseThrow().name());
        assertEquals("other", PredictorSelector.select(list, "").orElseThrow().name());
        assertEquals("other", PredictorSelector.select(list, null).orElseThrow().name());
        assertTrue(PredictorSelector.select(List.of(), "markov").isEmpty());
    }

    @Test
    void twoServicesWithTheConfiguredNamePickTheHigherRanked() {
        var list = List.of(c("markov", 10, 1), c("markov", 20, 2), c("histogram", 100, 3));
        assertEquals(2, PredictorSelector.select(list, "markov").orElseThrow().serviceId());
    }
}
