package org.layerswap.replay;

import org.layerswap.api.Predictor;

/** Kept apart so that the Encog bundle stays optional: this class is loaded only for predictive:encog. */
final class EncogPredictors {

    private EncogPredictors() {
    }

    static Predictor create() {
        try {
            return new org.layerswap.predictor.encog.EncogPredictor();
        } catch (NoClassDefFoundError e) {
            throw new IllegalArgumentException("predictive:encog needs the Encog predictor bundle (feature layerswap-predictor-encog)", e);
        }
    }
}
