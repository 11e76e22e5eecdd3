package org.layerswap.predictor.encog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.StateStore;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;

class EncogPersistenceTest {

    /** An in-memory StateStore that counts saves. */
    static final class FakeStore implements StateStore {
        final Map<String, byte[]> values = new HashMap<>();
        int saves;

        @Override
        public void saveState(String key, byte[] value) {
            values.put(key, value.clone());
            saves++;
        }

        @Override
        public Optional<byte[]> loadState(String key) {
            return Optional.ofNullable(values.get(key)).map(byte[]::clone);
        }
    }

    static final List<InvocationEvent> DIURNAL = EncogPredictorTest.diurnal(21, 0, 6 * EncogPredictorTest.DAY).events();
    static final List<String> FNS = List.of("office", "timer10");

    /** Exactness for both kinds is ModelCodecTest's; here the feed-forward network, which this trace publishes. */
    @Test
    void aPublishedNetworkIsSavedAndARestartedPredictorServesItAtOnce() {
        for (NetworkKind kind : List.of(NetworkKind.FEED_FORWARD)) {
            FakeStore store = new FakeStore();
            EncogPredictor trained = new EncogPredictor(EncogPredictorTest.inline(kind));
            trained.setStateStore(store);
            ProfilerEngine before = new ProfilerEngine(ProfilerSettings.defaults(), trained);
            double[] expected = EncogPredictorTest.recordAndScore(before, DIURNAL, FNS);
            assertTrue(trained.status().networkActive(), kind + " published a network: " + trained.status());
            assertTrue(store.saves > 0 && store.values.containsKey(EncogPredictor.STATE_KEY));

            // "after a restart": a fresh predictor (not trained at all) over the same profiles
            EncogPredictor restarted = new EncogPredictor(EncogPredictorTest.inline(kind)
                    .withTraining(EncogSettings.Training.MANUAL));
            ProfilerEngine after = new ProfilerEngine(ProfilerSettings.defaults(), restarted);
            DIURNAL.forEach(after::record);
            assertFalse(restarted.status().networkActive());
            restarted.setStateStore(store);
            EncogPredictor.Status s = restarted.status();
            assertTrue(s.networkActive(), s.toString());
            assertEquals(kind, s.activeNetwork());
            assertEquals(trained.status().validationBrier(), s.validationBrier());
            assertArrayEquals(expected, EncogPredictorTest.score(after, DIURNAL.get(DIURNAL.size() - 1).timestampMillis(), FNS),
                    0.0, kind.toString());
        }
    }

    @Test
    void aCorruptStoredNetworkIsIgnoredAndThePredictorFallsBack() {
        FakeStore store = new FakeStore();
        store.values.put(EncogPredictor.STATE_KEY, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
        EncogPredictor p = new EncogPredictor(EncogSettings.defaults().withTraining(EncogSettings.Training.MANUAL));
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), p);
        DIURNAL.subList(0, 200).forEach(e::record);
        p.setStateStore(store);
        assertFalse(p.status().networkActive());
        long now = DIURNAL.get(199).timestampMillis();
        assertEquals(p.fallbackProbability(e.profiles(), "office", now, e.windowMillis()), e.functionProbability("office", now), 1e-12);
    }
}
