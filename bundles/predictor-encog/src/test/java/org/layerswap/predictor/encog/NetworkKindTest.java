package org.layerswap.predictor.encog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.encog.neural.networks.BasicNetwork;
import org.junit.jupiter.api.Test;

class NetworkKindTest {

    static double[] sample(double v) {
        double[] x = new double[Features.SAMPLE];
        Arrays.fill(x, v);
        return x;
    }

    @Test
    void anElmanPredictionDoesNotDependOnWhatWasScoredBefore() {
        BasicNetwork net = NetworkKind.ELMAN.create(8, 7);
        double first = NetworkKind.ELMAN.predict(net, sample(0.2));
        double other = NetworkKind.ELMAN.predict(net, sample(0.9));
        assertNotEquals(first, other);
        assertEquals(first, NetworkKind.ELMAN.predict(net, sample(0.2)), 0.0);
    }

    @Test
    void theElmanNetworkReadsTheMinuteSequenceAndTheFeedForwardOneDoesNot() {
        double[] a = sample(0.3);
        double[] b = a.clone();
        b[Features.COUNT + 2] = 1.0; // one minute of the sequence differs
        BasicNetwork elman = NetworkKind.ELMAN.create(8, 7);
        BasicNetwork ff = NetworkKind.FEED_FORWARD.create(8, 7);
        assertNotEquals(NetworkKind.ELMAN.predict(elman, a), NetworkKind.ELMAN.predict(elman, b));
        assertEquals(NetworkKind.FEED_FORWARD.predict(ff, a), NetworkKind.FEED_FORWARD.predict(ff, b), 0.0);
    }

    @Test
    void anElmanTrainingSetHasOneRowPerStepAndOnlyTheLastStepCarriesError() {
        var set = NetworkKind.ELMAN.trainingSet(new double[][] {sample(0.1), sample(0.2)}, new double[] {1, 0});
        assertEquals(2L * Features.STEPS, set.getRecordCount());
        assertEquals(0.0, set.get(0).getSignificance());
        assertEquals(1.0, set.get(Features.STEPS - 1).getSignificance());
        assertEquals(Features.COUNT + 1, set.getInputSize());
    }

    @Test
    void configuredNamesParseAndUnknownOnesAreRefusedByName() {
        assertEquals(NetworkKind.ELMAN, NetworkKind.parse("elman"));
        assertEquals(NetworkKind.FEED_FORWARD, NetworkKind.parse("feed-forward"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkKind.parse("jordan"));
        assertTrue(e.getMessage().contains("'jordan'"), e.getMessage());
    }
}
