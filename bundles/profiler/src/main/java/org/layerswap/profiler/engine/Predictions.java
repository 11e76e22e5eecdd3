package org.layerswap.profiler.engine;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.layerswap.api.InvocationEvent;
import org.layerswap.api.NextUse;
import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;
import org.layerswap.nextuse.NextUseModel;

/**
 * The engine's predictions, split from {@link ProfilerEngine}: the active {@link Predictor}, guarded, and the built-in
 * answers it falls back on.
 * <ul>
 *   <li>{@link #probability}: the active predictor's {@code p_f} when it answers within [0,1], else the built-in
 *   {@link PoissonPredictor} estimate;</li>
 *   <li>{@link #nextUse}: the active predictor's {@link Predictor#nextUse} when it answers, else the built-in
 *   {@link NextUseModel} (null for a function never seen);</li>
 *   <li>{@link #observe}: each recorded event teaches the built-in next-use model, then the active predictor.</li>
 * </ul>
 * A predictor that throws or answers outside [0,1] never fails the engine: each such call is counted
 * ({@link #errors}, {@link #lastError}) and answered by the built-in estimate.
 *
 * <p>Invariants: called under the engine lock, except {@link #active} and the error reads (volatile, any thread); the
 * active predictor is never null (null selects the built-in one); the next-use model is not part of the snapshot:
 * after a restart it relearns from the next events (it needs only {@value NextUseModel#MIN_OWN_GAPS} gaps per
 * function, and the pooled prior answers before that).
 */
final class Predictions {

    private final ProfileView view;
    private final Predictor fallback = new PoissonPredictor();
    private final NextUseModel nextUseModel = new NextUseModel();
    private final AtomicLong errors = new AtomicLong();
    private volatile Predictor active;
    private volatile String lastError = "";

    /** @param view what predictors read; {@code initial}: the active predictor, null for the built-in one */
    Predictions(ProfileView view, Predictor initial) {
        this.view = Objects.requireNonNull(view, "view");
        this.active = initial == null ? fallback : initial;
    }

    Predictor active() {
        return active;
    }

    /** Makes {@code next} active (null: the built-in estimate); returns the one that was. */
    Predictor use(Predictor next) {
        Predictor previous = active;
        active = next == null ? fallback : next;
        return previous;
    }

    /** Teaches the built-in next-use model, then the active predictor, one recorded event of {@code f}. */
    void observe(FunctionStats f, InvocationEvent event) {
        if (f.nextUseIndex < 0) {
            f.nextUseIndex = nextUseModel.index(event.functionId());
        }
        nextUseModel.observe(f.nextUseIndex, event.timestampMillis());
        Predictor p = active;
        try {
            p.observe(event, view);
        } catch (RuntimeException e) {
            error(p, e);
        }
    }

    /** P({@code fn} runs within {@code windowMillis} of {@code now}): the active predictor's, else the built-in one. */
    double probability(String fn, long now, long windowMillis) {
        Predictor p = active;
        try {
            double v = p.probability(view, fn, now, windowMillis);
            if (v >= 0 && v <= 1) {
                return v;
            }
            error(p, new IllegalStateException("probability " + v + " for " + fn + " is not in [0,1]"));
        } catch (RuntimeException e) {
            error(p, e);
        }
        return fallback.probability(view, fn, now, windowMillis);
    }

    /** When {@code fn} runs next as of {@code nowMillis} (earliest: {@code earliestQuantile}); null if never seen. */
    NextUse nextUse(String fn, long nowMillis, double earliestQuantile) {
        Predictor p = active;
        try {
            NextUse n = p.nextUse(view, fn, nowMillis);
            if (n != null) {
                return n;
            }
        } catch (RuntimeException e) {
            error(p, e);
        }
        int f = nextUseModel.indexOf(fn);
        return f < 0 ? null : nextUseModel.nextUse(f, nowMillis, earliestQuantile);
    }

    /** P(next run of {@code fn} within {@code horizonMillis}) under the built-in model; NaN when never seen. */
    double nextUseProbability(String fn, long nowMillis, long horizonMillis) {
        int f = nextUseModel.indexOf(fn);
        return f < 0 ? Double.NaN : nextUseModel.probabilityWithin(f, nowMillis, horizonMillis);
    }

    /** Failures of the active predictor so far (each answered by the built-in estimate instead). */
    long errors() {
        return errors.get();
    }

    /** The last failure, as "predictor name: exception" ("" before any). */
    String lastError() {
        return lastError;
    }

    private void error(Predictor p, RuntimeException e) {
        errors.incrementAndGet();
        lastError = p.name() + ": " + e;
    }
}
