package org.layerswap.profiler.engine;

import java.util.function.LongSupplier;

/**
 * Tuning of a {@link ProfilerEngine}. Times in milliseconds.
 *
 * @param windowMillis              a score is the probability of need within this window (default 5 min)
 * @param coOccurrenceWindowMillis  B "follows" A when it runs within this long after A (default 60 s)
 * @param decayHalfLifeMillis       half-life of the co-occurrence counts (default 6 h)
 * @param rateHalfLifeMillis        half-life of the decayed arrival rate (default 2 h)
 * @param maxFollowers              co-occurrence row size per function (smallest entry evicted)
 * @param maxRecentScan             at most this many recently active functions (within the co-occurrence
 *                                  window) are credited as predecessors per event (default 8): the cost of
 *                                  an event grows with it, and in dense traffic it bounds how far back a
 *                                  predecessor can be
 * @param minFollowerProbability    followers below this are neither reported nor rescored on an event
 * @param notifyThreshold           a listener hears of a layer when its score moved at least this much
 * @param autoRescoreMillis         reads rescore everything when the last full rescore is older (0: never)
 * @param clock                     "now" for scoring; null means event time (the latest event timestamp),
 *                                  which is what replays want; live use passes System::currentTimeMillis
 * @param maxTrackedFunctions       at most this many functions that are not in the function-layer map are
 *                                  profiled; beyond it the least recently seen of them are evicted (mapped
 *                                  functions are always kept and not counted)
 * @param maxFutureSkewMillis       an event stamped more than this ahead of the clock (or, without a clock,
 *                                  of the latest event) is ignored and counted: it would decay every
 *                                  co-occurrence count to nothing
 */
public record ProfilerSettings(long windowMillis, long coOccurrenceWindowMillis, long decayHalfLifeMillis,
                               long rateHalfLifeMillis, int maxFollowers, int maxRecentScan,
                               double minFollowerProbability, double notifyThreshold, long autoRescoreMillis,
                               LongSupplier clock, int maxTrackedFunctions, long maxFutureSkewMillis) {

    /** Default of {@link #maxTrackedFunctions}. */
    public static final int DEFAULT_MAX_TRACKED_FUNCTIONS = 100_000;
    /**
     * Default of {@link #maxFutureSkewMillis} here: 24 h, since {@link #defaults()} serves event-time replays,
     * where it is the longest silence between two consecutive events; the live component configures 1 h
     * against the wall clock.
     */
    public static final long DEFAULT_MAX_FUTURE_SKEW_MILLIS = 24 * 3_600_000L;

    /** Without the ingest bounds: {@link #DEFAULT_MAX_TRACKED_FUNCTIONS}, {@link #DEFAULT_MAX_FUTURE_SKEW_MILLIS}. */
    public ProfilerSettings(long windowMillis, long coOccurrenceWindowMillis, long decayHalfLifeMillis,
                            long rateHalfLifeMillis, int maxFollowers, int maxRecentScan,
                            double minFollowerProbability, double notifyThreshold, long autoRescoreMillis,
                            LongSupplier clock) {
        this(windowMillis, coOccurrenceWindowMillis, decayHalfLifeMillis, rateHalfLifeMillis, maxFollowers, maxRecentScan,
                minFollowerProbability, notifyThreshold, autoRescoreMillis, clock, DEFAULT_MAX_TRACKED_FUNCTIONS,
                DEFAULT_MAX_FUTURE_SKEW_MILLIS);
    }

    public ProfilerSettings {
        positive("windowMillis", windowMillis);
        positive("coOccurrenceWindowMillis", coOccurrenceWindowMillis);
        positive("decayHalfLifeMillis", decayHalfLifeMillis);
        positive("rateHalfLifeMillis", rateHalfLifeMillis);
        positive("maxFollowers", maxFollowers);
        positive("maxRecentScan", maxRecentScan);
        if (!(minFollowerProbability >= 0 && minFollowerProbability <= 1)) {
            throw new IllegalArgumentException("minFollowerProbability must be in [0,1], got " + minFollowerProbability);
        }
        if (!(notifyThreshold >= 0 && notifyThreshold <= 1)) {
            throw new IllegalArgumentException("notifyThreshold must be in [0,1], got " + notifyThreshold);
        }
        if (autoRescoreMillis < 0) {
            throw new IllegalArgumentException("autoRescoreMillis must be >= 0, got " + autoRescoreMillis);
        }
        positive("maxTrackedFunctions", maxTrackedFunctions);
        positive("maxFutureSkewMillis", maxFutureSkewMillis);
    }

    private static void positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + v);
        }
    }

    public static ProfilerSettings defaults() {
        return new ProfilerSettings(300_000L, 60_000L, 21_600_000L, 7_200_000L, 16, 8, 0.01, 0.01, 10_000L, null);
    }

    public ProfilerSettings withWindowMillis(long v) {
        return new ProfilerSettings(v, coOccurrenceWindowMillis, decayHalfLifeMillis, rateHalfLifeMillis, maxFollowers,
                maxRecentScan, minFollowerProbability, notifyThreshold, autoRescoreMillis, clock,
                maxTrackedFunctions, maxFutureSkewMillis);
    }

    public ProfilerSettings withCoOccurrenceWindowMillis(long v) {
        return new ProfilerSettings(windowMillis, v, decayHalfLifeMillis, rateHalfLifeMillis, maxFollowers,
                maxRecentScan, minFollowerProbability, notifyThreshold, autoRescoreMillis, clock,
                maxTrackedFunctions, maxFutureSkewMillis);
    }

    public ProfilerSettings withDecayHalfLifeMillis(long v) {
        return new ProfilerSettings(windowMillis, coOccurrenceWindowMillis, v, rateHalfLifeMillis, maxFollowers,
                maxRecentScan, minFollowerProbability, notifyThreshold, autoRescoreMillis, clock,
                maxTrackedFunctions, maxFutureSkewMillis);
    }

    public ProfilerSettings withRateHalfLifeMillis(long v) {
        return new ProfilerSettings(windowMillis, coOccurrenceWindowMillis, decayHalfLifeMillis, v, maxFollowers,
                maxRecentScan, minFollowerProbability, notifyThreshold, autoRescoreMillis, clock,
                maxTrackedFunctions, maxFutureSkewMillis);
    }

    public ProfilerSettings withMaxRecentScan(int v) {
        return new ProfilerSettings(windowMillis, coOccurrenceWindowMillis, decayHalfLifeMillis, rateHalfLifeMillis,
                maxFollowers, v, minFollowerProbability, notifyThreshold, autoRescoreMillis, clock,
                maxTrackedFunctions, maxFutureSkewMillis);
    }

    public ProfilerSettings withMaxFollowers(int v) {
        return new ProfilerSettings(windowMillis, coOccurrenceWindowMillis, decayHalfLifeMillis, rateHalfLifeMillis,
                v, maxRecentScan, minFollowerProbability, notifyThreshold, autoRescoreMillis, clock,
                maxTrackedFunctions, maxFutureSkewMillis);
    }

    public ProfilerSettings withNotifyThreshold(double v) {
        return new ProfilerSettings(windowMillis, coOccurrenceWindowMillis, decayHalfLifeMillis, rateHalfLifeMillis,
                maxFollowers, maxRecentScan, minFollowerProbability, v, autoRescoreMillis, clock,
                maxTrackedFunctions, maxFutureSkewMillis);
    }

    public ProfilerSettings withAutoRescoreMillis(long v) {
        return new ProfilerSettings(windowMillis, coOccurrenceWindowMillis, decayHalfLifeMillis, rateHalfLifeMillis,
                maxFollowers, maxRecentScan, minFollowerProbability, notifyThreshold, v, clock,
                maxTrackedFunctions, maxFutureSkewMillis);
    }

    public ProfilerSettings withClock(LongSupplier v) {
        return new ProfilerSettings(windowMillis, coOccurrenceWindowMillis, decayHalfLifeMillis, rateHalfLifeMillis,
                maxFollowers, maxRecentScan, minFollowerProbability, notifyThreshold, autoRescoreMillis, v,
                maxTrackedFunctions, maxFutureSkewMillis);
    }

    public ProfilerSettings withMaxTrackedFunctions(int v) {
        return new ProfilerSettings(windowMillis, coOccurrenceWindowMillis, decayHalfLifeMillis, rateHalfLifeMillis,
                maxFollowers, maxRecentScan, minFollowerProbability, notifyThreshold, autoRescoreMillis, clock, v,
                maxFutureSkewMillis);
    }

    public ProfilerSettings withMaxFutureSkewMillis(long v) {
        return new ProfilerSettings(windowMillis, coOccurrenceWindowMillis, decayHalfLifeMillis, rateHalfLifeMillis,
                maxFollowers, maxRecentScan, minFollowerProbability, notifyThreshold, autoRescoreMillis, clock,
                maxTrackedFunctions, v);
    }
}
