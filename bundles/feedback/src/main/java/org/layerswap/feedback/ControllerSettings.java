package org.layerswap.feedback;

/**
 * Tuning of the {@link ThresholdController}.
 *
 * @param initialThreshold  where the controller starts (before any persisted state is restored)
 * @param minThreshold      lowest threshold it may set (most prefetching)
 * @param maxThreshold      highest threshold it may set (least prefetching)
 * @param initialStep       first probe distance
 * @param minStep           once the step shrinks below this the controller settles
 * @param stepShrink        factor applied to the step on every reversal (0 &lt; f &lt; 1)
 * @param dwellWindows      measured windows each side (reference, probe) needs before the probe is judged
 * @param discardWindows    windows ignored after every change (prefetches decided under the old value still land)
 * @param minSamples        invocations each side needs, multiplied by initialStep/step as the step shrinks
 * @param hysteresisMs      dead band: a difference in J smaller than this (ms per invocation) is "no difference"
 * @param noiseZ            the dead band is at least this many standard errors of the J difference
 * @param reprobeWindows    settled: windows after which probing re-opens with half the initial step, to follow a
 *                          changed workload (0: never)
 * @param initialDirection  -1 to probe towards more prefetching first, +1 towards less
 */
public record ControllerSettings(double initialThreshold, double minThreshold, double maxThreshold, double initialStep,
                                 double minStep, double stepShrink, int dwellWindows, int discardWindows, long minSamples,
                                 double hysteresisMs, double noiseZ, int reprobeWindows, int initialDirection) {

    public ControllerSettings {
        if (!(minThreshold >= 0 && maxThreshold <= 1 && minThreshold < maxThreshold)) {
            throw new IllegalArgumentException("need 0 <= minThreshold < maxThreshold <= 1, got " + minThreshold + ", " + maxThreshold);
        }
        if (initialThreshold < minThreshold || initialThreshold > maxThreshold) {
            throw new IllegalArgumentException("initialThreshold " + initialThreshold + " outside [" + minThreshold + ", " + maxThreshold + "]");
        }
        if (!(initialStep > 0 && minStep > 0 && minStep <= initialStep)) {
            throw new IllegalArgumentException("need 0 < minStep <= initialStep, got " + minStep + ", " + initialStep);
        }
        if (!(stepShrink > 0 && stepShrink < 1)) {
            throw new IllegalArgumentException("stepShrink must be in (0, 1), was " + stepShrink);
        }
        if (dwellWindows < 1 || discardWindows < 0 || minSamples < 2 || reprobeWindows < 0) {
            throw new IllegalArgumentException("need dwellWindows >= 1, discardWindows >= 0, minSamples >= 2, reprobeWindows >= 0");
        }
        if (hysteresisMs < 0 || noiseZ < 0) {
            throw new IllegalArgumentException("hysteresisMs and noiseZ must be >= 0");
        }
        if (initialDirection != -1 && initialDirection != 1) {
            throw new IllegalArgumentException("initialDirection must be -1 or +1, was " + initialDirection);
        }
    }

    public static ControllerSettings defaults() {
        return new ControllerSettings(0.5, 0.05, 0.95, 0.2, 0.02, 0.5, 2, 1, 200, 2.0, 2.0, 120, -1);
    }

    public ControllerSettings withReprobeWindows(int windows) {
        return new ControllerSettings(initialThreshold, minThreshold, maxThreshold, initialStep, minStep, stepShrink, dwellWindows,
                discardWindows, minSamples, hysteresisMs, noiseZ, windows, initialDirection);
    }

    /** The most direction reversals one probing phase can make before it settles. */
    public int maxReversalsPerPhase() {
        return (int) Math.ceil(Math.log(minStep / initialStep) / Math.log(stepShrink)) + 1;
    }
}
