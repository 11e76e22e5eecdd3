package org.layerswap.replay;

import java.util.Arrays;

/**
 * What a {@link Simulator} measures (only what happens at or after the end of the warm-up; the simulator decides
 * that and calls in): measured invocations by frequency class, the critical-path ones with their stall, on-demand
 * and prefetched bytes, prefetch outcomes (completed, used, wasted) and the storage integral; {@link #result} turns
 * them into a {@link PolicyResult}. Invariant: {@code nStalls == critical} (one stall per critical-path invocation).
 * Not thread-safe (the simulator's thread).
 */
final class ReplayMeter {

    private long invocations;
    private long critical;
    private final long[] byClass = new long[3];
    private final long[] criticalByClass = new long[3];
    private float[] stalls = new float[1024];
    private int nStalls;
    private double stallSum;
    private double onDemandBytes;
    private double prefetchBytes;
    private long wasted;
    private long prefetchesCompleted;
    private long prefetchesUsed;
    private long demandLayerMisses;
    private long layerAccesses;
    private double areaByteMs;
    /** The storage integral covers [warmupEnd, areaClock). */
    private final double warmupEnd;
    private double areaClock;

    ReplayMeter(double warmupEnd, double start) {
        this.warmupEnd = warmupEnd;
        this.areaClock = start;
    }

    /** A measured invocation of frequency class {@code cls} that read {@code layers} layers, {@code missed} of them
     *  fetched on demand ({@code demandBytes}, stalling it {@code stallMs}); {@code missed == 0}: a hit. */
    void invocation(int cls, int layers, int missed, double demandBytes, double stallMs) {
        invocations++;
        byClass[cls]++;
        layerAccesses += layers;
        if (missed > 0) {
            critical++;
            criticalByClass[cls]++;
            demandLayerMisses += missed;
            onDemandBytes += demandBytes;
            if (nStalls == stalls.length) {
                stalls = Arrays.copyOf(stalls, nStalls * 2);
            }
            stalls[nStalls++] = (float) stallMs;
            stallSum += stallMs;
        }
    }

    /** Bytes moved by prefetches (a whole completed one, or the share done before an invocation took it over). */
    void prefetched(double bytes) {
        prefetchBytes += bytes;
    }

    void prefetchCompleted() {
        prefetchesCompleted++;
    }

    void prefetchUsed() {
        prefetchesUsed++;
    }

    /** A prefetched layer left (or could not be kept) unused. */
    void wasted(long bytes) {
        wasted += bytes;
    }

    /** Extends the storage integral to {@code t} with {@code usedBytes} held since the last call (measured part only). */
    void account(double t, long usedBytes) {
        if (t > areaClock) {
            double from = Math.max(areaClock, warmupEnd);
            if (t > from) {
                areaByteMs += (double) usedBytes * (t - from);
            }
            areaClock = t;
        }
    }

    /** A layer of {@code size} bytes, counted up to now by {@link #account}, left at {@code at}: the time after is taken back. */
    void heldUntil(long size, double at) {
        double from = Math.max(at, warmupEnd);
        if (areaClock > from) {
            areaByteMs -= (double) size * (areaClock - from);
        }
    }

    /** The metrics as a result row; {@code unusedAtEnd}: bytes of prefetched layers still resident and unused. */
    PolicyResult result(String policy, String family, double knob, long unusedAtEnd, double decisionNanosPerInvocation,
                        Calibration cal, long wallMillis) {
        float[] sorted = Arrays.copyOf(stalls, nStalls);
        Arrays.sort(sorted);
        return new PolicyResult(policy, family, knob, invocations, critical, byClass.clone(), criticalByClass.clone(),
                percentile(sorted, 0.50), percentile(sorted, 0.95), percentile(sorted, 0.99),
                nStalls == 0 ? 0 : stallSum / nStalls, stallSum, Math.round(onDemandBytes), Math.round(prefetchBytes),
                wasted, unusedAtEnd, areaByteMs / 1e12, prefetchesCompleted, prefetchesUsed, demandLayerMisses,
                layerAccesses, decisionNanosPerInvocation, cal == null ? Double.NaN : cal.brier(),
                cal == null ? Double.NaN : cal.expectedCalibrationError(), cal, wallMillis);
    }

    /** Percentile over all measured invocations, where those not in {@code sortedStalls} stalled 0 ms. */
    private double percentile(float[] sortedStalls, double q) {
        if (invocations == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(q * invocations); // 1-based nearest rank
        long zeros = invocations - sortedStalls.length;
        if (rank <= zeros) {
            return 0;
        }
        return sortedStalls[(int) (rank - zeros - 1)];
    }
}
