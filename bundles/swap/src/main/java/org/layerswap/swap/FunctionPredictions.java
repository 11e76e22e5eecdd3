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
    /**
     * {@link #medianAt}'s own reads between two of {@link #read}, four longs per function side by side (one cache line
     * for two functions): at {@code 4f} from when and at {@code 4f + 1} until when (exclusive; empty: until &lt;= from) the
     * source's median is {@code 4f + 2}, or, when {@code 4f + 3} is not {@code Long.MIN_VALUE}, now + the idle time
     * since that last run (overdue until its next run). Kept apart from the values as last read, which the planning
     * compares against (a function's run against its earliest, the tick's layer refresh).
     */
    private long[] late = {};

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
            late = Arrays.copyOf(late, 4 * functions);
        }
    }

    /** Reads {@code f}'s prediction at {@code t} from the source. */
    void read(int f, long t) {
        med[f] = source.median(f, t);
        early[f] = source.earliest(f, t);
        stable[f] = source.stableUntil(f, t);
        idleSince[f] = stable[f] <= t && source.overdueUntilNextRun(f, t) ? source.lastSeen(f) : Long.MIN_VALUE;
        late[4 * f + 1] = Long.MIN_VALUE;
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
     * time when {@code f} was read overdue until its next run. Otherwise the source is asked, and its answer kept for as
     * long as the source says it holds: a thrashing node's eviction order asks the same function again at each eviction.
     */
    long medianAt(int f, long now) {
        if (now < stable[f]) {
            return med[f];
        }
        long since = idleSince[f];
        if (since != Long.MIN_VALUE) {
            return now + Math.max(0, now - since);
        }
        int c = 4 * f;
        if (lateHolds(c, now)) {
            long idle = late[c + 3];
            return idle == Long.MIN_VALUE ? late[c + 2] : now + Math.max(0, now - idle);
        }
        long m = source.median(f, now);
        long until = source.stableUntil(f, now);
        if (until > now) {
            late[c] = now;
            late[c + 1] = until;
            late[c + 2] = m;
            late[c + 3] = Long.MIN_VALUE;
        } else if (source.overdueUntilNextRun(f, now)) { // from now until f's next run, which reads f again
            late[c] = now;
            late[c + 1] = Long.MAX_VALUE;
            late[c + 3] = source.lastSeen(f);
        }
        return m;
    }

    /**
     * Whether the source finds {@code f} {@link NextUseSource#overdue} at {@code now}: not while its prediction holds as
     * read or as {@link #medianAt} last kept it (a stable prediction is a learned gap's, see
     * {@link NextUseSource#stableUntil}), yes while it was found overdue until its next run, else asked.
     */
    boolean overdueAt(int f, long now) {
        if (now < stable[f]) {
            return false;
        }
        if (idleSince[f] != Long.MIN_VALUE) {
            return true;
        }
        int c = 4 * f;
        if (lateHolds(c, now)) {
            return late[c + 3] != Long.MIN_VALUE;
        }
        return source.overdue(f, now);
    }

    /** Whether the answer {@link #medianAt} kept at {@code late[c]} holds at {@code now}. */
    private boolean lateHolds(int c, long now) {
        return now >= late[c] && now < late[c + 1];
    }
}
