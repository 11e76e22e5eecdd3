package org.layerswap.predictor.encog;

import org.encog.neural.networks.BasicNetwork;

/**
 * A network in service: never trained further once published (the trainer works on its own candidate).
 * {@link #predict} is serialised per model because Encog's compute() writes the network's buffers.
 *
 * @param validationBrier its Brier score on the held-out samples of the round that published it
 * @param fallbackBrier   the histogram hazard's Brier score on the same samples
 * @param trainedAtMillis trace time of that round
 */
record PublishedModel(BasicNetwork network, NetworkKind kind, long windowMillis, double validationBrier,
                      double fallbackBrier, long trainedAtMillis) {

    double predict(double[] sample) {
        double y;
        synchronized (this) {
            y = kind.predict(network, sample);
        }
        return y >= 0 ? (y <= 1 ? y : 1.0) : 0.0;
    }

    /** Features a prediction needs: the minute sequence only for the recurrent network. */
    int sampleLength() {
        return kind == NetworkKind.FEED_FORWARD ? Features.COUNT : Features.SAMPLE;
    }
}
