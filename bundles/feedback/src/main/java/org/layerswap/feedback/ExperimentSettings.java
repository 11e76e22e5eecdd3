package org.layerswap.feedback;

/**
 * How an A/B experiment assigns and judges.
 *
 * @param mode                 unit of assignment (and of analysis)
 * @param treatmentShare       share of units in the treatment arm (0, 1)
 * @param minSamplesPerArm     invocations each arm needs before any verdict
 * @param minFunctionsPerArm   by-function mode: functions each arm needs before any verdict (they are the units)
 * @param alpha                family-wise significance level over the two tests (latency, errors): each runs at alpha/2
 * @param bootstrapResamples   resamples for the confidence interval of the mean latency difference
 * @param bootstrapMaxSamples  per arm, the reservoir the bootstrap resamples from (bounded memory and time)
 * @param seed                 seeds the reservoir and the bootstrap (reports are reproducible)
 */
public record ExperimentSettings(Assignment.Mode mode, double treatmentShare, long minSamplesPerArm, int minFunctionsPerArm,
                                 double alpha, int bootstrapResamples, int bootstrapMaxSamples, long seed) {

    public ExperimentSettings {
        if (mode == null) {
            throw new IllegalArgumentException("assignment mode missing");
        }
        if (!(treatmentShare > 0 && treatmentShare < 1)) {
            throw new IllegalArgumentException("treatmentShare must be in (0, 1), was " + treatmentShare);
        }
        if (minSamplesPerArm < 2 || minFunctionsPerArm < 2) {
            throw new IllegalArgumentException("minimum samples per arm must be >= 2 (invocations and functions)");
        }
        if (!(alpha > 0 && alpha < 0.5)) {
            throw new IllegalArgumentException("alpha must be in (0, 0.5), was " + alpha);
        }
        if (bootstrapResamples < 100 || bootstrapMaxSamples < 10) {
            throw new IllegalArgumentException("need bootstrapResamples >= 100 and bootstrapMaxSamples >= 10");
        }
    }

    public static ExperimentSettings defaults() {
        return new ExperimentSettings(Assignment.Mode.BY_FUNCTION, 0.5, 1000, 10, 0.05, 2000, 20_000, 42L);
    }

    public ExperimentSettings withMode(Assignment.Mode m) {
        return new ExperimentSettings(m, treatmentShare, minSamplesPerArm, minFunctionsPerArm, alpha, bootstrapResamples,
                bootstrapMaxSamples, seed);
    }

    public ExperimentSettings withSeed(long s) {
        return new ExperimentSettings(mode, treatmentShare, minSamplesPerArm, minFunctionsPerArm, alpha, bootstrapResamples,
                bootstrapMaxSamples, s);
    }

    public ExperimentSettings withMinSamples(long perArm, int functionsPerArm) {
        return new ExperimentSettings(mode, treatmentShare, perArm, functionsPerArm, alpha, bootstrapResamples,
                bootstrapMaxSamples, seed);
    }

    public ExperimentSettings withBootstrap(int resamples, int maxSamples) {
        return new ExperimentSettings(mode, treatmentShare, minSamplesPerArm, minFunctionsPerArm, alpha, resamples, maxSamples, seed);
    }

    public String describe() {
        return "mode=" + mode + "\ntreatmentShare=" + treatmentShare + "\nminSamplesPerArm=" + minSamplesPerArm
                + "\nminFunctionsPerArm=" + minFunctionsPerArm + "\nalpha=" + alpha + "\nbootstrapResamples=" + bootstrapResamples
                + "\nbootstrapMaxSamples=" + bootstrapMaxSamples + "\nseed=" + seed;
    }
}
