package org.layerswap.profiler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.NextUse;
import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;

class PredictionsTest {

    private static final long MIN = 60_000;

    private final Map<String, FunctionStats> stats = new HashMap<>();
    private final ProfilerSettings settings = ProfilerSettings.defaults();
    private final CoOccurrenceIndex index = new CoOccurrenceIndex(stats, settings.decayHalfLifeMillis());
    private long now;
    private final EngineProfileView view = new EngineProfileView(stats, index, () -> settings, () -> now, () -> null);

    /** A predictor answering {@code answer} (or throwing what it supplies), that may have a next use for "a". */
    private static final class Scripted implements Predictor {
        DoubleSupplier answer = () -> 0.25;
        NextUse nextUseOfA;
        RuntimeException onObserve;
        final List<String> observed = new ArrayList<>();

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public double probability(ProfileView v, String fn, long nowMillis, long windowMillis) {
            return answer.getAsDouble();
        }

        @Override
        public void observe(InvocationEvent event, ProfileView v) {
            if (onObserve != null) {
                throw onObserve;
            }
            observed.add(event.functionId() + "@" + event.timestampMillis());
        }

        @Override
        public NextUse nextUse(ProfileView v, String fn, long nowMillis) {
            return fn.equals("a") ? nextUseOfA : null;
        }
    }

    private final Scripted scripted = new Scripted();
    private final Predictions predictions = new Predictions(view, scripted);

    /** Records a run of {@code fn} at {@code t} in the profiles and the predictions, as the engine's ingest does. */
    private void run(String fn, long t) {
        FunctionStats f = stats.computeIfAbsent(fn, k -> new FunctionStats(k, 1e7));
        f.recordInvocation(t);
        now = t;
        predictions.observe(f, InvocationEvent.of(fn, t));
    }

    private double builtIn(String fn) {
        return new PoissonPredictor().probability(view, fn, now, settings.windowMillis());
    }

    @Test
    void anAnswerWithinZeroAndOneIsTheActivePredictorsOwn() {
        run("a", 0);
        assertEquals(0.25, predictions.probability("a", now, settings.windowMillis()));
        assertEquals(0, predictions.errors());
        assertEquals("", predictions.lastError());
    }

    @Test
    void anAnswerOutsideZeroToOneOrAThrowIsAnsweredByTheBuiltInEstimateAndCounted() {
        for (int k = 0; k < 5; k++) {
            run("a", k * MIN);
        }
        long window = settings.windowMillis();
        scripted.answer = () -> Double.NaN;
        assertEquals(builtIn("a"), predictions.probability("a", now, window), 1e-12);
        scripted.answer = () -> 1.5;
        assertEquals(builtIn("a"), predictions.probability("a", now, window), 1e-12);
        assertEquals("scripted: java.lang.IllegalStateException: probability 1.5 for a is not in [0,1]",
                predictions.lastError());
        scripted.answer = () -> {
            throw new IllegalArgumentException("broken model");
        };
        assertEquals(builtIn("a"), predictions.probability("a", now, window), 1e-12);
        assertEquals(3, predictions.errors());
        assertEquals("scripted: java.lang.IllegalArgumentException: broken model", predictions.lastError());
        assertTrue(builtIn("a") > 0, "the built-in estimate knows a's runs");
    }

    @Test
    void everyRunTeachesThePredictorAndAFailingObserveIsCountedWhileTheBuiltInNextUseModelStillLearns() {
        run("b", 0);
        assertEquals(List.of("b@0"), scripted.observed);
        scripted.onObserve = new IllegalStateException("cannot learn");
        for (int k = 1; k <= 10; k++) {
            run("b", k * MIN);
        }
        assertEquals(10, predictions.errors());
        NextUse n = predictions.nextUse("b", 10 * MIN + 20_000, ProfilerEngine.NEXT_USE_EARLIEST_QUANTILE);
        assertEquals(11 * MIN, n.medianMillis(), "a one-minute timer's next beat");
        assertEquals(9.0 / 10, predictions.nextUseProbability("b", 10 * MIN + 20_000, MIN), 1e-12,
                "10 one-minute gaps end within the minute; without the one that helps most, 9 of 9 and the running gap");
    }

    @Test
    void thePredictorsNextUseWinsWhereItAnswersAndTheBuiltInModelAnswersElsewhere() {
        scripted.nextUseOfA = new NextUse(5, 7, false);
        run("a", 1000);
        run("b", 1000);
        run("b", 2000);
        assertSame(scripted.nextUseOfA, predictions.nextUse("a", 3000, 0.1));
        assertNotNull(predictions.nextUse("b", 3000, 0.1), "the predictor has none for b");
        assertNull(predictions.nextUse("never-seen", 3000, 0.1));
        assertTrue(Double.isNaN(predictions.nextUseProbability("never-seen", 3000, MIN)));
    }

    @Test
    void usingNullMakesTheBuiltInEstimateActiveAndReturnsThePredictorThatWas() {
        run("a", 0);
        assertSame(scripted, predictions.use(null));
        assertEquals(PoissonPredictor.NAME, predictions.active().name());
        assertEquals(builtIn("a"), predictions.probability("a", now, settings.windowMillis()), 1e-12);
        assertSame(predictions.active(), predictions.use(scripted));
        assertSame(scripted, predictions.active());
    }
}
