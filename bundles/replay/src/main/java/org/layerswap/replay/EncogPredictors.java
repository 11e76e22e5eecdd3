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
            throw new IllegalArgumentException("predictive:encog cannot load " + e.getMessage()
                    + " (in Karaf: install feature layerswap-predictor-encog)", e);
        }
    }
}
