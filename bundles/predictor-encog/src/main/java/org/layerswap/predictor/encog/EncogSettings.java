package org.layerswap.predictor.encog;

/**
 * Tuning of the {@link EncogPredictor}.
 *
 * @param queueCapacity       observe() enqueues into a bounded queue; when full the oldest item is dropped
 * @param sampleEvery         one training sample (a random known function, at the event's time) every this many events
 * @param trainEvery          train again once this many new labelled samples arrived
 * @param minSamples          no network before this many labelled samples
 * @param maxSamples          labelled samples kept (ring buffer, newest win)
 * @param hiddenNeurons       size of the hidden layer
 * @param epochs              RPROP epochs per training round (warm-started from the previous round)
 * @param requiredImprovement the network is used only when its validation Brier score is below
 *                            (1 - this) times the fallback's on the same validation samples
 * @param background          true: a daemon thread labels and trains; false: only {@link EncogPredictor#trainNow()}
 *                            does (deterministic replays and tests)
 * @param seed                weight initialisation and sampling seed
 */
public record EncogSettings(int queueCapacity, int sampleEvery, int trainEvery, int minSamples, int maxSamples,
                            int hiddenNeurons, int epochs, double requiredImprovement, boolean background, long seed) {

    public EncogSettings {
        positive("queueCapacity", queueCapacity);
        positive("sampleEvery", sampleEvery);
        positive("trainEvery", trainEvery);
        positive("minSamples", minSamples);
        positive("maxSamples", maxSamples);
        positive("hiddenNeurons", hiddenNeurons);
        positive("epochs", epochs);
        if (!(requiredImprovement >= 0 && requiredImprovement < 1)) {
            throw new IllegalArgumentException("requiredImprovement must be in [0,1), got " + requiredImprovement);
        }
        if (minSamples < 10) {
            throw new IllegalArgumentException("minSamples must be at least 10, got " + minSamples);
        }
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + v);
        }
    }

    public static EncogSettings defaults() {
        return new EncogSettings(65_536, 4, 1_000, 1_000, 20_000, 8, 150, 0.01, true, 1L);
    }

    public EncogSettings withBackground(boolean v) {
        return new EncogSettings(queueCapacity, sampleEvery, trainEvery, minSamples, maxSamples, hiddenNeurons, epochs,
                requiredImprovement, v, seed);
    }

    public EncogSettings withQueueCapacity(int v) {
        return new EncogSettings(v, sampleEvery, trainEvery, minSamples, maxSamples, hiddenNeurons, epochs,
                requiredImprovement, background, seed);
    }

    public EncogSettings withTraining(int minSamples, int trainEvery, int epochs) {
        return new EncogSettings(queueCapacity, sampleEvery, trainEvery, minSamples, maxSamples, hiddenNeurons, epochs,
                requiredImprovement, background, seed);
    }

    public EncogSettings withSampleEvery(int v) {
        return new EncogSettings(queueCapacity, v, trainEvery, minSamples, maxSamples, hiddenNeurons, epochs,
                requiredImprovement, background, seed);
    }
}
