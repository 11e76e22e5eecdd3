package org.layerswap.replay;

/**
 * Brier score and a 10-bin reliability table of probabilistic predictions (probability that a layer
 * is used within the predictor's window), resolved against what the replay actually did.
 */
public final class Calibration {

    public static final int BINS = 10;
    private final long[] count = new long[BINS];
    private final double[] sumP = new double[BINS];
    private final long[] positives = new long[BINS];
    private double sumSquared;
    private long n;

    public void add(double p, boolean outcome) {
        double o = outcome ? 1 : 0;
        sumSquared += (p - o) * (p - o);
        n++;
        int b = Math.min(BINS - 1, (int) (p * BINS));
        count[b]++;
        sumP[b] += p;
        if (outcome) {
            positives[b]++;
        }
    }

    public long predictions() {
        return n;
    }

    public double brier() {
        return n == 0 ? Double.NaN : sumSquared / n;
    }

    public long binCount(int b) {
        return count[b];
    }

    public double binMeanPrediction(int b) {
        return count[b] == 0 ? Double.NaN : sumP[b] / count[b];
    }

    public double binObservedRate(int b) {
        return count[b] == 0 ? Double.NaN : (double) positives[b] / count[b];
    }

    /** Expected calibration error: bin-weighted mean |predicted - observed|. */
    public double expectedCalibrationError() {
        if (n == 0) {
            return Double.NaN;
        }
        double e = 0;
        for (int b = 0; b < BINS; b++) {
            if (count[b] > 0) {
                e += count[b] * Math.abs(binMeanPrediction(b) - binObservedRate(b));
            }
        }
        return e / n;
    }
}
