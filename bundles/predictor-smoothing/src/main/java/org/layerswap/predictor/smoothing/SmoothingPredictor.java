package org.layerswap.predictor.smoothing;

import org.layerswap.api.FunctionProfile;
import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Exponential-smoothing predictor, the sample replacement bundle for {@code deploy/}: treats a
 * function's arrivals as Poisson with the profiler's exponentially smoothed rate, and lets that
 * rate fade while the function stays idle, so that a burst long past no longer predicts
 * anything. {@code p = 1 - exp(-rate * fade * window)} with
 * {@code fade = 2^(-(now - last) / halfLife)}.
 */
@Component(service = Predictor.class, configurationPid = "org.layerswap.predictor.smoothing",
        property = {Predictor.NAME_PROPERTY + "=" + SmoothingPredictor.NAME, "service.ranking:Integer=50"})
@Designate(ocd = SmoothingPredictor.Config.class)
public class SmoothingPredictor implements Predictor {

    public static final String NAME = "smoothing";

    @ObjectClassDefinition(name = "LayerSwap exponential-smoothing predictor",
            description = "Poisson estimate from the smoothed arrival rate, fading while a function is idle")
    public @interface Config {
        @AttributeDefinition(description = "Idle time after which the smoothed rate counts half, in seconds (> 0)")
        long idleHalfLifeSeconds() default 1800;
    }

    private volatile double idleHalfLifeMillis = 1_800_000;

    public SmoothingPredictor() {
    }

    SmoothingPredictor(long idleHalfLifeSeconds) {
        configure(idleHalfLifeSeconds);
    }

    @Activate
    @Modified
    void activate(Config config) {
        configure(config.idleHalfLifeSeconds());
    }

    private void configure(long halfLifeSeconds) {
        if (halfLifeSeconds <= 0) {
            throw new IllegalArgumentException("idleHalfLifeSeconds must be > 0, got " + halfLifeSeconds);
        }
        idleHalfLifeMillis = halfLifeSeconds * 1000.0;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double probability(ProfileView view, String functionId, long nowMillis, long windowMillis) {
        FunctionProfile f = view.profile(functionId);
        if (f == null || f.invocationCount() == 0) {
            return 0.0;
        }
        double idle = Math.max(0, nowMillis - f.lastSeenMillis());
        double fade = Math.pow(2.0, -idle / idleHalfLifeMillis);
        double expected = Math.max(0, f.ratePerMinute()) * fade * (windowMillis / 60_000.0);
        return 1.0 - Math.exp(-expected);
    }
}
