package org.layerswap.swap;

import java.util.Arrays;

/**
 * Each function's predicted next use as the planning last read it from its {@link NextUseSource} (issue 13): the
 * earliest (prefetch timing) and the median (eviction order). Invariant: for every {@code t} in
 * [the read, {@code stable[f]}), the source answers {@code f}'s median and earliest exactly as read, barring a new run of
 * {@code f} (which the planning reads again at once); so a caller may use the values instead of asking the source,
 * which is what makes a pass over every function or every resident layer cheap. One thread (the planning's).
 */
final class FunctionPredictions {

    private final NextUseSource source;
    private long[] early = {};
    private long[] med = {};
    private long[] stable = {};
    /** {@code f}'s last run while it is overdue until its next run (as last read), else {@code Long.MIN_VALUE}. */
    private long[] idleSince = {};

    FunctionPredictions(NextUseSource source) {
        this.source = source;
    }

    void resize(int functions) {
        if (functions > med.length) {
            int n = med.length;
            early = Arrays.copyOf(early, functions);
            med = Arrays.copyOf(med, functions);
            stable = Arrays.copyOf(stable, functions);
            idleSince = Arrays.copyOf(idleSince, functions);
            Arrays.fill(early, n, functions, Long.MAX_VALUE);
            Arrays.fill(med, n, functions, Long.MAX_VALUE);
            Arrays.fill(stable, n, functions, Long.MIN_VALUE);
            Arrays.fill(idleSince, n, functions, Long.MIN_VALUE);
        }
    }

    /** Reads {@code f}'s prediction at {@code t} from the source. */
    void read(int f, long t) {
        med[f] = source.median(f, t);
        early[f] = source.earliest(f, t);
        stable[f] = source.stableUntil(f, t);
        idleSince[f] = stable[f] <= t && source.overdueUntilNextRun(f, t) ? source.lastSeen(f) : Long.MIN_VALUE;
    }

    /** Reads again, at {@code now}, every seen function among the first {@code functions} whose prediction may have moved. */
    void readChanged(int functions, long now) {
        for (int f = 0; f < functions; f++) {
            if (now >= stable[f] && source.lastSeen(f) != Long.MIN_VALUE) {
                read(f, now);
            }
        }
    }

    /** Earliest next use as last read ({@code Long.MAX_VALUE}: none). */
    long earliest(int f) {
        return early[f];
    }

    /** Median next use as last read ({@code Long.MAX_VALUE}: none). */
    long median(int f) {
        return med[f];
    }

    /**
     * The source's median of {@code f} at {@code now}: the value read when it cannot have moved since, or now + idle
     * time when {@code f} was read overdue until its next run.
     */
    long medianAt(int f, long now) {
        if (now < stable[f]) {
            return med[f];
        }
        long since = idleSince[f];
        return since != Long.MIN_VALUE ? now + Math.max(0, now - since) : source.median(f, now);
    }
}
