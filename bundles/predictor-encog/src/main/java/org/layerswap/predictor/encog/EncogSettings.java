package org.layerswap.predictor.encog;

/**
 * Tuning of the {@link EncogPredictor}.
 *
 * @param queueCapacity       observe() enqueues into a bounded queue; when full the oldest item is dropped
 * @param sampleEvery         one training sample (a random known function, at the event's time) every this many events
 * @param trainIntervalMillis a training round is due every this much trace time (event timestamps, see
 *                            {@link TraceTimeTrigger}), in every {@link Training} mode
 * @param minNewSamples       a due round is skipped unless this many samples were labelled since the last one
 *                            (retraining on nearly the same samples only overfits them)
 * @param minSamples          no network before this many labelled samples
 * @param maxSamples          labelled samples kept (ring buffer, newest win)
 * @param hiddenNeurons       size of the hidden layer
 * @param epochs              RPROP epochs per training round (warm-started from the previous round)
 * @param requiredImprovement the network is used only when its validation Brier score is below
 *                            (1 - this) times the fallback's on the same validation samples
 * @param training            who drains the queue and runs the due rounds (see {@link Training})
 * @param network             the network's shape
 * @param seed                weight initialisation and sampling seed
 * @param maxTrackedFunctions the predictor samples from at most this many distinct function ids, the least
 *                            recently seen forgotten first ({@link KnownFunctions}): its memory stays bounded
 *                            whatever ids the events name
 */
public record EncogSettings(int queueCapacity, int sampleEvery, long trainIntervalMillis, int minNewSamples, int minSamples, int maxSamples,
                            int hiddenNeurons, int epochs, double requiredImprovement, Training training,
                            NetworkKind network, long seed, int maxTrackedFunctions) {

    /**
     * Who runs the trainer. The rounds themselves are the same in every mode: due at the same trace
     * moments, on the same labelled samples.
     */
    public enum Training {
        /** A daemon thread drains the queue (live: ingest never waits for training). */
        BACKGROUND,
        /** observe() drains the queue and trains synchronously when a round is due (replays: deterministic). */
        INLINE,
        /** Only {@link EncogPredictor#trainNow()} drains the queue (tests). */
        MANUAL
    }

    public EncogSettings {
        positive("queueCapacity", queueCapacity);
        positive("sampleEvery", sampleEvery);
        positive("minSamples", minSamples);
        positive("minNewSamples", minNewSamples);
        positive("maxSamples", maxSamples);
        positive("hiddenNeurons", hiddenNeurons);
        positive("epochs", epochs);
        positive("maxTrackedFunctions", maxTrackedFunctions);
        if (trainIntervalMillis <= 0) {
            throw new IllegalArgumentException("trainIntervalMillis must be > 0, got " + trainIntervalMillis);
        }
        if (!(requiredImprovement >= 0 && requiredImprovement < 1)) {
            throw new IllegalArgumentException("requiredImprovement must be in [0,1), got " + requiredImprovement);
        }
        if (minSamples < 10) {
            throw new IllegalArgumentException("minSamples must be at least 10, got " + minSamples);
        }
        if (training == null || network == null) {
            throw new IllegalArgumentException("training mode and network type are required, got " + training + ", " + network);
        }
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + v);
        }
    }

    /** Live defaults: background trainer, a round every 60 min of trace time, feed-forward network. */
    public static EncogSettings defaults() {
        return new EncogSettings(65_536, 4, 3_600_000L, 1_000, 1_000, 20_000, 8, 150, 0.01, Training.BACKGROUND,
                NetworkKind.FEED_FORWARD, 1L, 100_000);
    }

    /** The defaults, trained inline in trace time: what a replay uses (same schedule as live, deterministic). */
    public static EncogSettings replay() {
        return defaults().withTraining(Training.INLINE);
    }

    /** true: {@link Training#BACKGROUND}; false: {@link Training#MANUAL}. */
    public EncogSettings withBackground(boolean v) {
        return withTraining(v ? Training.BACKGROUND : Training.MANUAL);
    }

    public EncogSettings withTraining(Training v) {
        return new EncogSettings(queueCapacity, sampleEvery, trainIntervalMillis, minNewSamples, minSamples, maxSamples, hiddenNeurons,
                epochs, requiredImprovement, v, network, seed, maxTrackedFunctions);
    }

    public EncogSettings withNetwork(NetworkKind v) {
        return new EncogSettings(queueCapacity, sampleEvery, trainIntervalMillis, minNewSamples, minSamples, maxSamples, hiddenNeurons,
                epochs, requiredImprovement, training, v, seed, maxTrackedFunctions);
    }

    public EncogSettings withQueueCapacity(int v) {
        return new EncogSettings(v, sampleEvery, trainIntervalMillis, minNewSamples, minSamples, maxSamples, hiddenNeurons, epochs,
                requiredImprovement, training, network, seed, maxTrackedFunctions);
    }

    public EncogSettings withSchedule(long intervalMillis, int minNewSamples, int minSamples, int epochs) {
        return new EncogSettings(queueCapacity, sampleEvery, intervalMillis, minNewSamples, minSamples, maxSamples, hiddenNeurons, epochs,
                requiredImprovement, training, network, seed, maxTrackedFunctions);
    }

    public EncogSettings withSampleEvery(int v) {
        return new EncogSettings(queueCapacity, v, trainIntervalMillis, minNewSamples, minSamples, maxSamples, hiddenNeurons, epochs,
                requiredImprovement, training, network, seed, maxTrackedFunctions);
    }

    public EncogSettings withMaxTrackedFunctions(int v) {
        return new EncogSettings(queueCapacity, sampleEvery, trainIntervalMillis, minNewSamples, minSamples, maxSamples, hiddenNeurons,
                epochs, requiredImprovement, training, network, seed, v);
    }
}
