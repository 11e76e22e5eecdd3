package org.layerswap.api;

/**
 * Read-only view of what the profiler has learned about one function's arrival process.
 * Predictors compute probabilities from these features; the profiler owns and persists them,
 * which is why swapping the predictor never loses learned state.
 */
public interface FunctionProfile {

    /** Width of one idle-time histogram bin. */
    long IDLE_BIN_MILLIS = 60_000L;

    String functionId();

    long invocationCount();

    /** Start of the first invocation seen, or -1 when none. */
    long firstSeenMillis();

    /** Start of the latest invocation seen, or -1 when none. */
    long lastSeenMillis();

    /** Number of idle-time bins; the last one counts every gap at least {@code (bins-1)} minutes long. */
    int idleTimeBins();

    /** Gaps between consecutive invocations that fell in bin {@code bin} ({@code [bin, bin+1)} minutes). */
    long idleTimeCount(int bin);

    /**
     * Mean length in milliseconds of the gaps counted in {@code bin}, which tells a predictor where
     * inside the one-minute bin the mass lies (a timer firing every exactly 10 minutes puts it at the
     * bin's lower edge). Additive: implementations that do not track it report the bin centre.
     */
    default double idleTimeMeanMillis(int bin) {
        return (bin + 0.5) * IDLE_BIN_MILLIS;
    }

    /**
     * Standard deviation in milliseconds of the gaps counted in {@code bin}: with the mean it tells a
     * predictor how the bin's mass spreads inside it (0 for a precise timer). Additive: implementations
     * that do not track it report that of a uniform spread over the bin.
     */
    default double idleTimeStdDevMillis(int bin) {
        return IDLE_BIN_MILLIS / Math.sqrt(12.0);
    }

    /** Total number of gaps recorded (invocationCount - 1 when nothing was forgotten). */
    long idleTimeTotal();

    /** Exponentially decayed arrival rate in invocations per minute, as of the last update. */
    double ratePerMinute();

    /** Invocations per minute over the recent horizon, oldest first, ending at the minute of {@code nowMillis}. */
    int[] recentMinuteCounts(long nowMillis);

    /** Decayed invocation counts per hour of day (24 entries, UTC). */
    double[] hourOfDayProfile();
}
