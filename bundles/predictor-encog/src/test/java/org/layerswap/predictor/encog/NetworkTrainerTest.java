package org.layerswap.predictor.encog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class NetworkTrainerTest {

    static final EncogSettings SETTINGS = EncogSettings.defaults().withTraining(EncogSettings.Training.MANUAL)
            .withSchedule(3_600_000L, 10, 10, 60);

    /** Samples whose label is x[1] > 0.5 (learnable) or a fair coin (not), with a constant 0.5 hazard. */
    static SampleBuffer.Labelled samples(long seed, int n, boolean learnable) {
        Random r = new Random(seed);
        double[][] xs = new double[n][Features.SAMPLE];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < Features.SAMPLE; j++) {
                xs[i][j] = r.nextDouble();
            }
            xs[i][Features.HAZARD] = 0.5;
            ys[i] = learnable ? (xs[i][1] > 0.5 ? 1 : 0) : (r.nextBoolean() ? 1 : 0);
        }
        return new SampleBuffer.Labelled(xs, ys, 300_000L);
    }

    @Test
    void aNetworkThatBeatsTheFallbackOnTheNewestFifthIsPublished() {
        for (NetworkKind kind : NetworkKind.values()) {
            NetworkTrainer.Outcome o = new NetworkTrainer().round(samples(1, 1_000, true), SETTINGS.withNetwork(kind), 42);
            assertNotNull(o.published(), kind + ": " + o);
            assertEquals(200, o.validationSamples());
            assertEquals(0.25, o.fallbackBrier(), 1e-12);
            assertTrue(o.validationBrier() < 0.9 * o.fallbackBrier(), kind + ": " + o);
            assertEquals(kind, o.published().kind());
            assertEquals(42, o.published().trainedAtMillis());
        }
    }

    @Test
    void aNetworkThatCannotBeatTheFallbackIsNotPublished() {
        NetworkTrainer.Outcome o = new NetworkTrainer().round(samples(2, 1_000, false), SETTINGS, 0);
        assertNull(o.published(), o.toString());
        assertTrue(o.validationBrier() >= 0.99 * o.fallbackBrier(), o.toString());
    }

    @Test
    void theSameSamplesGiveTheSameNetwork() {
        for (NetworkKind kind : NetworkKind.values()) {
            SampleBuffer.Labelled data = samples(3, 500, true);
            PublishedModel a = new NetworkTrainer().round(data, SETTINGS.withNetwork(kind), 0).published();
            PublishedModel b = new NetworkTrainer().round(data, SETTINGS.withNetwork(kind), 0).published();
            for (double[] x : samples(4, 50, true).xs()) {
                assertEquals(a.predict(x), b.predict(x), 0.0, kind.toString());
            }
        }
    }

    @Test
    void changingTheNetworkKindStartsAFreshCandidateOfThatKind() {
        NetworkTrainer t = new NetworkTrainer();
        SampleBuffer.Labelled data = samples(5, 500, true);
        assertEquals(NetworkKind.FEED_FORWARD, t.round(data, SETTINGS, 0).published().kind());
        assertEquals(NetworkKind.ELMAN, t.round(data, SETTINGS.withNetwork(NetworkKind.ELMAN), 0).published().kind());
    }
}
