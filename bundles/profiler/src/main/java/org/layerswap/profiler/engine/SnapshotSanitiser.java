package org.layerswap.profiler.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Cleans a snapshot before it is restored, so that state written before ingest was bounded (or a
 * hand-made file) cannot bring a far-future time or a poisoned number back:
 * <ul>
 *   <li>with a reference time (the scoring clock, or the engine's latest event), a function whose first
 *       or latest invocation is more than {@code maxSkew} after it is dropped (its whole model is stamped
 *       in the future), and every other time (latest event, taken-at, co-occurrence as-of times) is
 *       clamped to the reference plus {@code maxSkew};</li>
 *   <li>always: co-occurrence and rate values that are not finite or are negative become 0.</li>
 * </ul>
 * Without a reference (event time, nothing recorded yet) there is no independent time to judge by: only
 * the numbers are cleaned.
 */
final class SnapshotSanitiser {

    private SnapshotSanitiser() {
    }

    /**
     * @param reference the clock's now or the latest event recorded; negative: none
     * @return {@code s} itself when nothing needed cleaning
     */
    static ProfileSnapshot sanitise(ProfileSnapshot s, long reference, long maxSkewMillis) {
        long limit = reference < 0 ? Long.MAX_VALUE : saturatedAdd(reference, maxSkewMillis);
        boolean changed = false;
        List<ProfileSnapshot.FunctionState> kept = new ArrayList<>(s.functions().size());
        long latest = -1;
        for (ProfileSnapshot.FunctionState f : s.functions()) {
            if (f.lastMillis() > limit || f.firstMillis() > limit) {
                changed = true;
                continue;
            }
            ProfileSnapshot.FunctionState c = clean(f, limit);
            changed |= c != f;
            kept.add(c);
            latest = Math.max(latest, f.lastMillis());
        }
        long latestEvent = s.latestEventMillis();
        if (latestEvent > limit) {
            latestEvent = latest;
            changed = true;
        }
        long taken = Math.min(s.takenAtMillis(), limit);
        if (!changed && taken == s.takenAtMillis()) {
            return s;
        }
        return new ProfileSnapshot(s.version(), taken, latestEvent, s.eventsRecorded(), kept);
    }

    private static ProfileSnapshot.FunctionState clean(ProfileSnapshot.FunctionState f, long limit) {
        boolean changed = false;
        List<ProfileSnapshot.FollowState> follows = new ArrayList<>(f.followers().size());
        for (ProfileSnapshot.FollowState fo : f.followers()) {
            double v = finite(fo.value());
            long t = Math.min(fo.timeMillis(), limit);
            if (v != fo.value() || t != fo.timeMillis()) {
                changed = true;
                fo = new ProfileSnapshot.FollowState(fo.target(), v, t, fo.creditedTrigger());
            }
            follows.add(fo);
        }
        double trigger = finite(f.triggerCount());
        long triggerTime = Math.min(f.triggerTime(), limit);
        double decayed = finite(f.decayedCount());
        if (!changed && trigger == f.triggerCount() && triggerTime == f.triggerTime() && decayed == f.decayedCount()) {
            return f;
        }
        return new ProfileSnapshot.FunctionState(f.functionId(), f.count(), f.firstMillis(), f.lastMillis(), f.idleBins(),
                f.idleCounts(), f.idleSums(), f.idleSquares(), decayed, f.headMinute(), f.minuteSlots(), f.minuteCounts(),
                f.hourRef(), f.hourWeights(), trigger, triggerTime, follows, f.lastParams(), f.params());
    }

    private static double finite(double v) {
        return Double.isFinite(v) && v >= 0 ? v : 0.0;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
