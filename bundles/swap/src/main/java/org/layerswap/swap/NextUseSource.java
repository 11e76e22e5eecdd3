package org.layerswap.swap;

/**
 * When functions run next, as {@link NextUsePlanning} reads it: the profiler's next-use model, or a predictor's (the live
 * {@code NextUsePlanner}; the replay's {@code SwapManagerPolicy}).
 */
public interface NextUseSource {
    /** Last run of {@code f}, or {@code Long.MIN_VALUE} when never seen. */
    long lastSeen(int f);

    /** Median next use of {@code f} (absolute ms); {@code Long.MAX_VALUE} when never seen. */
    long median(int f, long now);

    /** Earliest (low-quantile) next use of {@code f}; {@code Long.MAX_VALUE} when never seen. */
    long earliest(int f, long now);

    /** Idle longer than every learned gap (or never seen). */
    boolean overdue(int f, long now);

    /** P(f runs in (now, now + horizon] | idle); NaN when the source cannot tell (admission then skips it). */
    double probabilityWithin(int f, long now, long horizonMillis);

    /**
     * The earliest time after {@code now} at which {@link #median} or {@link #earliest} of {@code f} can answer
     * differently, barring a new run of {@code f}; {@link NextUsePlanning#tick} skips recomputing {@code f} before it, and
     * {@link #overdue} answers false until then (an overdue answer is now + idle time, which moves). The default,
     * {@code now}, means "may change at any time" (recompute every tick).
     */
    default long stableUntil(int f, long now) {
        return now;
    }

    /**
     * Whether {@code f} is {@link #overdue} at {@code now} and stays so until its next run, whatever other functions
     * do: then at any later time its median and earliest are that time plus its idle time, and the planning computes
     * them instead of asking. The default, false, means "ask".
     */
    default boolean overdueUntilNextRun(int f, long now) {
        return false;
    }
}
