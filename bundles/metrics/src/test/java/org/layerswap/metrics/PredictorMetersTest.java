package org.layerswap.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class PredictorMetersTest {

    String predictor = "markov";
    final BrierScore brier = new BrierScore(() -> List.of("a"), Map.of("a", 0.5)::get, Map.of("a", 1L)::get, () -> predictor);

    @Test
    void theInfoGaugeNamesThePredictorInUseAndFollowsASwitch() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PredictorMeters meters = new PredictorMeters(registry, brier);
        meters.tick(0, 1_000);
        assertEquals(1, registry.get("layerswap.predictor.info").tag("predictor", "markov").gauge().value());
        predictor = "histogram";
        meters.tick(10, 1_000);
        assertEquals(1, registry.find("layerswap.predictor.info").gauges().size());
        assertEquals(1, registry.get("layerswap.predictor.info").tag("predictor", "histogram").gauge().value());
        assertTrue(Double.isNaN(registry.get("layerswap.predictor.brier.score").gauge().value()));
    }
}
