package org.layerswap.profiler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.layerswap.api.Predictor;
import org.layerswap.profiler.engine.PoissonPredictor;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;

class PredictorBindingTest {

    final ProfilerEngine engine = new ProfilerEngine(ProfilerSettings.defaults(), null);
    final PredictorBinding binding = new PredictorBinding();
    final Predictor histogram = ProfilerComponentTest.predictor("histogram", 0.2);
    final Predictor markov = ProfilerComponentTest.predictor("markov", 0.4);

    @Test
    void servicesBoundBeforeAttachingAreChosenOnAttach() {
        binding.add(histogram, ProfilerComponentTest.props("histogram", 100, 1));
        assertEquals(PoissonPredictor.NAME, engine.activePredictor(), "not attached: the engine is left alone");
        binding.attach(engine, "markov");
        assertSame(histogram, engine.predictor(), "markov absent: the highest ranking");
    }

    @Test
    void theConfiguredNameWinsAndEveryChangeIsFollowed() {
        binding.attach(engine, "markov");
        binding.add(histogram, ProfilerComponentTest.props("histogram", 100, 1));
        binding.add(markov, ProfilerComponentTest.props("markov", 10, 2));
        assertSame(markov, engine.predictor(), "configured, though lower ranked");
        binding.configure("histogram");
        assertSame(histogram, engine.predictor());
        binding.update(histogram, ProfilerComponentTest.props("other-name", 100, 1));
        assertSame(histogram, engine.predictor(), "renamed away: still the highest ranking");
        binding.remove(histogram, ProfilerComponentTest.props("other-name", 100, 1));
        assertSame(markov, engine.predictor());
        binding.remove(markov, ProfilerComponentTest.props("markov", 10, 2));
        assertEquals(PoissonPredictor.NAME, engine.activePredictor(), "none left: the built-in estimate");
    }

    @Test
    void aDetachedBindingNoLongerSwitchesTheEngine() {
        binding.attach(engine, "markov");
        binding.detach();
        binding.add(markov, ProfilerComponentTest.props("markov", 10, 2));
        assertEquals(PoissonPredictor.NAME, engine.activePredictor());
    }
}
