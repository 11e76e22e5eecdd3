package org.layerswap.metrics;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The running Brier score of the predictor in use, on the live workload. At the start of each window the forecast of
 * every known function is taken (the probability that it runs within the profiler's window) together with its
 * invocation count; when the window has passed, each forecast is scored against what happened (did its count grow):
 * {@code (p - o)^2}. The score is the mean over all scored forecasts since the predictor came into use; 0 is
 * perfect, 0.25 is what a constant 0.5 earns. Invariants: a forecast is scored once, only after its full window;
 * switching predictors discards the pending forecasts and restarts the mean, so the score is always that of the
 * predictor named by {@link #predictor()}. {@link #tick} is called from one thread; readers may be others.
 */
public final class BrierScore {

    private final Supplier<Collection<String>> functions;
    private final ToDoubleFunction<String> probability;
    private final ToLongFunction<String> invocations;
    private final Supplier<String> activePredictor;

    private record Forecast(double probability, long invocations) {
    }

    private String predictor = "";
    private Map<String, Forecast> pending = Map.of();
    private long pendingUntil = Long.MIN_VALUE;
    private double sum;
    private long samples;
    private volatile double score = Double.NaN;
    private volatile long scored;

    /**
     * @param functions       the functions the profiler knows
     * @param probability     P(function runs within the window), from the predictor in use
     * @param invocations     a function's invocation count so far
     * @param activePredictor the name of the predictor in use
     */
    public BrierScore(Supplier<Collection<String>> functions, ToDoubleFunction<String> probability, ToLongFunction<String> invocations,
                      Supplier<String> activePredictor) {
        this.functions = functions;
        this.probability = probability;
        this.invocations = invocations;
        this.activePredictor = activePredictor;
    }

    /** Scores the pending forecasts once their window has passed and takes new ones; {@code windowMillis} > 0. */
    public void tick(long nowMillis, long windowMillis) {
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("the forecast window must be positive, got " + windowMillis + " ms");
        }
        String active = activePredictor.get();
        if (!active.equals(predictor)) {
            predictor = active;
            pending = Map.of();
            sum = 0;
            samples = 0;
            score = Double.NaN;
            scored = 0;
        } else if (nowMillis < pendingUntil) {
            return;
        }
        for (Map.Entry<String, Forecast> e : pending.entrySet()) {
            double outcome = invocations.applyAsLong(e.getKey()) > e.getValue().invocations() ? 1 : 0;
            double d = e.getValue().probability() - outcome;
            sum += d * d;
            samples++;
        }
        if (samples > 0) {
            score = sum / samples;
            scored = samples;
        }
        Map<String, Forecast> next = new HashMap<>();
        for (String f : functions.get()) {
            double p = probability.applyAsDouble(f);
            if (p >= 0 && p <= 1) { // NaN: the predictor has no forecast for it
                next.put(f, new Forecast(p, invocations.applyAsLong(f)));
            }
        }
        pending = next;
        pendingUntil = nowMillis + windowMillis;
    }

    /** The mean squared error of the scored forecasts; NaN before the first is scored. */
    public double score() {
        return score;
    }

    /** How many forecasts the score is the mean of. */
    public long scored() {
        return scored;
    }

    /** The predictor the score belongs to ("" before the first tick). */
    public String predictor() {
        return predictor;
    }
}
