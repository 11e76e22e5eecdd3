package org.layerswap.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The predictor in use ({@code layerswap_predictor_info{predictor="..."} 1}, re-registered when it changes) and its
 * running {@link BrierScore}. {@link #tick} is called from one thread.
 */
public final class PredictorMeters {

    private final MeterRegistry registry;
    private final BrierScore brier;
    private Gauge info;

    public PredictorMeters(MeterRegistry registry, BrierScore brier) {
        this.registry = registry;
        this.brier = brier;
        Gauge.builder("layerswap.predictor.brier.score", brier, BrierScore::score)
                .description("Running Brier score of the predictor in use: mean (p - outcome)^2 of its per-window forecasts "
                        + "of which functions run (0 is perfect)").register(registry);
        Gauge.builder("layerswap.predictor.brier.forecasts", brier, BrierScore::scored)
                .description("Forecasts the Brier score is the mean of").register(registry);
    }

    /** Advances the score and points the info gauge at the predictor in use. */
    public synchronized void tick(long nowMillis, long windowMillis) {
        brier.tick(nowMillis, windowMillis);
        String name = brier.predictor();
        if (info == null || !name.equals(info.getId().getTag("predictor"))) {
            if (info != null) {
                registry.remove(info);
            }
            info = Gauge.builder("layerswap.predictor.info", () -> 1).description("The predictor in use (value 1)")
                    .tag("predictor", name).register(registry);
        }
    }
}
