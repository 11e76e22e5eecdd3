package org.layerswap.profiler.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongToDoubleFunction;

import org.layerswap.api.FunctionProfile;

/**
 * The online model of one function's arrival process: idle-time histogram (1-minute bins with the
 * mean gap per bin), exponentially decayed arrival rate, per-minute counts over a sliding horizon,
 * a decayed hour-of-day profile, and the function's row of the co-occurrence model (who follows it).
 *
 * <p>Mutated only by {@link ProfilerEngine} and its collaborators under the engine lock; external readers
 * get {@link #copy()}. {@link #toState}/{@link #fromState} convert to and from the snapshot form.
 */
public final class FunctionStats implements FunctionProfile {

    /** 4 hours of 1-minute bins, as in the hybrid histogram policy (Shahrad et al., ATC'20). */
    public static final int IDLE_BINS = 240;
    /** Per-minute counts kept for this many minutes. */
    public static final int MINUTE_HORIZON = 120;
    /** When this many gaps are counted, every bin is halved: old behaviour is forgotten gradually. */
    static final long IDLE_FORGET_AT = 4096;
    static final double HOUR_PROFILE_HALF_LIFE_MILLIS = 7 * 24 * 3_600_000.0;
    static final FunctionStats[] NO_STATS = new FunctionStats[0];
    static final double[] NO_VALUES = new double[0];
    static final long[] NO_LONGS = new long[0];

    final String id;
    long count;
    long first = -1;
    long last = -1;

    final long[] idleCounts = new long[IDLE_BINS];
    final double[] idleSums = new double[IDLE_BINS];
    final double[] idleSquares = new double[IDLE_BINS];
    long idleTotal;

    /** Decayed event count, as of {@link #last}; time constant {@code rateTauMillis}. */
    double decayedCount;
    double rateTauMillis;

    final int[] minuteCounts = new int[MINUTE_HORIZON];
    long headMinute = Long.MIN_VALUE;

    /** Hour-of-day weights, scaled by 2^((t - hourRef)/H) at insertion; divide on read. */
    final double[] hourWeights = new double[24];
    double hourRef = Double.NaN;

    /*
     * Co-occurrence row, in the engine's globally scaled decay units (a stored value v means
     * v / scale(now) as of now, see CoOccurrenceIndex): the decayed number of this function's
     * invocations, and per follower the decayed number of those invocations it followed. Compact
     * parallel arrays searched by identity: rows are small (maxFollowers) and touched on every event.
     */
    double triggerScaled;
    /** scale(last): the weight the latest invocation added to triggerScaled. */
    double lastScale;
    FunctionStats[] followTargets = NO_STATS;
    double[] followValues = NO_VALUES;
    long[] followCredited = NO_LONGS;
    int followCount;
    /**
     * P(this function runs within the co-occurrence window anyway), from its rate, refreshed on its own
     * invocations: a follower is rescored on a predecessor's event only when following is more likely
     * than that (the lift a chain predictor can use).
     */
    double baseWithinCoWindow;

    /** Number of co-occurrence rows that contain this function (0: it follows nobody). */
    int inRows;

    /** Params of the latest invocation (selects optional layers via the parameter model). */
    Map<String, String> lastParams = Map.of();
    /** Dense index of this function in the engine's NextUseModel (-1 until its first event; not snapshotted). */
    int nextUseIndex = -1;
    ParameterModel params;

    /** Links of the engine's recency list (most recent first). */
    FunctionStats newer;
    FunctionStats older;
    boolean inRecency;

    /** The scoring node, when the function has layers. */
    FunctionScore score;

    /** Chosen as a victim by {@link FunctionEviction}: about to leave every structure. */
    boolean evicted;

    FunctionStats(String id, double rateTauMillis) {
        this.id = id;
        this.rateTauMillis = rateTauMillis;
    }

    /** Index of {@code target} in the follower row, or -1. */
    int followerIndex(FunctionStats target) {
        FunctionStats[] ts = followTargets;
        for (int i = 0, n = followCount; i < n; i++) {
            if (ts[i] == target) {
                return i;
            }
        }
        return -1;
    }

    /** Appends a follower (the caller made room); returns its index. */
    int addFollower(FunctionStats target, int capacity) {
        if (followCount == followTargets.length) {
            int cap = Math.max(followCount + 1, Math.min(capacity, Math.max(4, followCount * 2)));
            followTargets = Arrays.copyOf(followTargets, cap);
            followValues = Arrays.copyOf(followValues, cap);
            followCredited = Arrays.copyOf(followCredited, cap);
        }
        int i = followCount++;
        followTargets[i] = target;
        followValues[i] = 0;
        followCredited[i] = -1;
        return i;
    }

    /** Removes follower {@code i} (the last entry moves into its place); returns the removed target. */
    FunctionStats removeFollower(int i) {
        FunctionStats removed = followTargets[i];
        int last = --followCount;
        followTargets[i] = followTargets[last];
        followValues[i] = followValues[last];
        followCredited[i] = followCredited[last];
        followTargets[last] = null;
        return removed;
    }

    /** Records one invocation at {@code t}; returns false when it was older than the latest one seen. */
    boolean recordInvocation(long t) {
        count++;
        boolean inOrder = last < 0 || t >= last;
        if (first < 0 || t < first) {
            first = t;
        }
        if (last >= 0 && inOrder) {
            long gap = t - last;
            int bin = (int) Math.min(IDLE_BINS - 1, gap / IDLE_BIN_MILLIS);
            idleCounts[bin]++;
            idleSums[bin] += gap;
            idleSquares[bin] += (double) gap * gap;
            if (++idleTotal >= IDLE_FORGET_AT) {
                forgetHalf();
            }
        }
        if (inOrder) {
            decayedCount = last < 0 ? 1.0 : decayedCount * Math.exp(-(t - last) / rateTauMillis) + 1.0;
            last = t;
        } else {
            decayedCount += Math.exp(-(last - t) / rateTauMillis);
        }
        addMinute(t);
        addHour(t);
        return inOrder;
    }

    private void forgetHalf() {
        long total = 0;
        for (int b = 0; b < IDLE_BINS; b++) {
            long c = idleCounts[b];
            if (c == 0) {
                continue;
            }
            long half = c >>> 1;
            idleSums[b] = half == 0 ? 0 : idleSums[b] * half / c;
            idleSquares[b] = half == 0 ? 0 : idleSquares[b] * half / c;
            idleCounts[b] = half;
            total += half;
        }
        idleTotal = total;
    }

    private void addMinute(long t) {
        long m = Math.floorDiv(t, 60_000L);
        if (headMinute == Long.MIN_VALUE) {
            headMinute = m;
        } else if (m > headMinute) {
            long steps = Math.min(MINUTE_HORIZON, m - headMinute);
            for (long i = 1; i <= steps; i++) {
                minuteCounts[(int) Math.floorMod(headMinute + i, MINUTE_HORIZON)] = 0;
            }
            headMinute = m;
        } else if (m <= headMinute - MINUTE_HORIZON) {
            return;
        }
        minuteCounts[(int) Math.floorMod(m, MINUTE_HORIZON)]++;
    }

    private void addHour(long t) {
        if (Double.isNaN(hourRef)) {
            hourRef = t;
        }
        double w = Math.pow(2.0, (t - hourRef) / HOUR_PROFILE_HALF_LIFE_MILLIS);
        if (w > 1e100 || w < 1e-100) {
            for (int h = 0; h < 24; h++) {
                hourWeights[h] /= w;
            }
            hourRef = t;
            w = 1.0;
        }
        hourWeights[(int) Math.floorMod(Math.floorDiv(t, 3_600_000L), 24L)] += w;
    }

    // ---- FunctionProfile ----

    @Override
    public String functionId() {
        return id;
    }

    @Override
    public long invocationCount() {
        return count;
    }

    @Override
    public long firstSeenMillis() {
        return first;
    }

    @Override
    public long lastSeenMillis() {
        return last;
    }

    @Override
    public int idleTimeBins() {
        return IDLE_BINS;
    }

    @Override
    public long idleTimeCount(int bin) {
        return bin >= 0 && bin < IDLE_BINS ? idleCounts[bin] : 0;
    }

    @Override
    public double idleTimeMeanMillis(int bin) {
        if (bin < 0 || bin >= IDLE_BINS) {
            return Double.NaN;
        }
        long c = idleCounts[bin];
        return c == 0 ? (bin + 0.5) * IDLE_BIN_MILLIS : idleSums[bin] / c;
    }

    @Override
    public double idleTimeStdDevMillis(int bin) {
        if (bin < 0 || bin >= IDLE_BINS) {
            return Double.NaN;
        }
        long c = idleCounts[bin];
        if (c == 0) {
            return IDLE_BIN_MILLIS / Math.sqrt(12.0);
        }
        double mean = idleSums[bin] / c;
        double var = idleSquares[bin] / c - mean * mean;
        return var > 0 ? Math.sqrt(var) : 0.0;
    }

    @Override
    public long idleTimeTotal() {
        return idleTotal;
    }

    /**
     * Gap rate per minute over the decayed history: the decayed number of gaps divided by the decayed
     * span they cover (an exponentially weighted MLE of a Poisson rate). 0 with fewer than 2 invocations.
     */
    @Override
    public double ratePerMinute() {
        if (count < 2 || last <= first) {
            return 0.0;
        }
        double span = last - first;
        double firstWeight = Math.exp(-span / rateTauMillis);
        double gaps = decayedCount - firstWeight;
        double exposure = rateTauMillis * (1.0 - firstWeight);
        return exposure <= 0 ? 0.0 : Math.max(0.0, gaps / exposure * 60_000.0);
    }

    @Override
    public int[] recentMinuteCounts(long nowMillis) {
        int[] out = new int[MINUTE_HORIZON];
        if (headMinute == Long.MIN_VALUE) {
            return out;
        }
        long n = Math.floorDiv(nowMillis, 60_000L);
        for (int i = 0; i < MINUTE_HORIZON; i++) {
            long minute = n - MINUTE_HORIZON + 1 + i;
            if (minute <= headMinute && minute > headMinute - MINUTE_HORIZON) {
                out[i] = minuteCounts[(int) Math.floorMod(minute, MINUTE_HORIZON)];
            }
        }
        return out;
    }

    /** Invocations in the {@code minutes} minutes ending at the minute of {@code nowMillis}, without allocating. */
    public int countLastMinutes(long nowMillis, int minutes) {
        if (headMinute == Long.MIN_VALUE) {
            return 0;
        }
        long n = Math.floorDiv(nowMillis, 60_000L);
        int sum = 0;
        for (long minute = n - Math.min(minutes, MINUTE_HORIZON) + 1; minute <= n; minute++) {
            if (minute <= headMinute && minute > headMinute - MINUTE_HORIZON) {
                sum += minuteCounts[(int) Math.floorMod(minute, MINUTE_HORIZON)];
            }
        }
        return sum;
    }

    @Override
    public double[] hourOfDayProfile() {
        double[] out = new double[24];
        if (Double.isNaN(hourRef) || last < 0) {
            return out;
        }
        double scale = Math.pow(2.0, (last - hourRef) / HOUR_PROFILE_HALF_LIFE_MILLIS);
        for (int h = 0; h < 24; h++) {
            out[h] = hourWeights[h] / scale;
        }
        return out;
    }

    /** A detached copy for readers outside the engine lock (co-occurrence links are not copied). */
    FunctionStats copy() {
        FunctionStats c = new FunctionStats(id, rateTauMillis);
        c.count = count;
        c.first = first;
        c.last = last;
        System.arraycopy(idleCounts, 0, c.idleCounts, 0, IDLE_BINS);
        System.arraycopy(idleSums, 0, c.idleSums, 0, IDLE_BINS);
        System.arraycopy(idleSquares, 0, c.idleSquares, 0, IDLE_BINS);
        c.idleTotal = idleTotal;
        c.decayedCount = decayedCount;
        System.arraycopy(minuteCounts, 0, c.minuteCounts, 0, MINUTE_HORIZON);
        c.headMinute = headMinute;
        System.arraycopy(hourWeights, 0, c.hourWeights, 0, 24);
        c.hourRef = hourRef;
        c.lastParams = lastParams;
        return c;
    }

    // ---- snapshot form (ProfileSnapshot.FunctionState) ----

    /**
     * This function's model as of {@code now}, sparse (only non-empty bins and slots). Co-occurrence
     * values are stored scaled: {@code scaleNow} (the index's scale at now) turns them into decayed
     * counts as of now.
     */
    ProfileSnapshot.FunctionState toState(double scaleNow, long now) {
        int nb = 0;
        for (long c : idleCounts) {
            if (c != 0) {
                nb++;
            }
        }
        int[] bins = new int[nb];
        long[] counts = new long[nb];
        double[] sums = new double[nb];
        double[] squares = new double[nb];
        for (int b = 0, i = 0; b < IDLE_BINS; b++) {
            if (idleCounts[b] != 0) {
                bins[i] = b;
                counts[i] = idleCounts[b];
                squares[i] = idleSquares[b];
                sums[i++] = idleSums[b];
            }
        }
        int nm = 0;
        for (int c : minuteCounts) {
            if (c != 0) {
                nm++;
            }
        }
        int[] slots = new int[nm];
        int[] mc = new int[nm];
        for (int m = 0, i = 0; m < MINUTE_HORIZON; m++) {
            if (minuteCounts[m] != 0) {
                slots[i] = m;
                mc[i++] = minuteCounts[m];
            }
        }
        List<ProfileSnapshot.FollowState> follows = new ArrayList<>(followCount);
        for (int k = 0; k < followCount; k++) {
            follows.add(new ProfileSnapshot.FollowState(followTargets[k].id, followValues[k] / scaleNow, now,
                    followCredited[k]));
        }
        return new ProfileSnapshot.FunctionState(id, count, first, last, bins, counts, sums, squares, decayedCount,
                headMinute, slots, mc, hourRef, hourWeights.clone(), triggerScaled / scaleNow, now, follows,
                lastParams, params == null ? null : params.toState());
    }

    /**
     * A function restored from {@code s}, without its follower row (its targets may not exist yet: see
     * {@link #restoreFollowers}). {@code scaleAt} is the co-occurrence index's scale at a time: a count
     * valid as of time x is stored as {@code count * scaleAt(x)}.
     */
    static FunctionStats fromState(ProfileSnapshot.FunctionState s, double rateTauMillis, LongToDoubleFunction scaleAt) {
        FunctionStats f = new FunctionStats(s.functionId(), rateTauMillis);
        f.count = s.count();
        f.first = s.firstMillis();
        f.last = s.lastMillis();
        long total = 0;
        for (int i = 0; i < s.idleBins().length; i++) {
            f.idleCounts[s.idleBins()[i]] = s.idleCounts()[i];
            f.idleSums[s.idleBins()[i]] = s.idleSums()[i];
            f.idleSquares[s.idleBins()[i]] = s.idleSquares()[i];
            total += s.idleCounts()[i];
        }
        f.idleTotal = total;
        f.decayedCount = s.decayedCount();
        f.headMinute = s.headMinute();
        for (int i = 0; i < s.minuteSlots().length; i++) {
            f.minuteCounts[s.minuteSlots()[i]] = s.minuteCounts()[i];
        }
        f.hourRef = s.hourRef();
        System.arraycopy(s.hourWeights(), 0, f.hourWeights, 0, 24);
        f.triggerScaled = s.triggerCount() * scaleAt.applyAsDouble(s.triggerTime());
        f.lastScale = f.last < 0 ? 0 : scaleAt.applyAsDouble(f.last);
        f.lastParams = s.lastParams();
        if (s.params() != null) {
            f.params = ParameterModel.fromState(s.params());
        }
        return f;
    }

    /**
     * Restores the follower row from its snapshot entries; entries naming this function itself or a
     * function not in {@code byId} are dropped. The row may hold up to the larger of
     * {@code maxFollowers} and the snapshot's row size.
     */
    void restoreFollowers(List<ProfileSnapshot.FollowState> followers, Map<String, FunctionStats> byId,
                          int maxFollowers, LongToDoubleFunction scaleAt) {
        int capacity = Math.max(maxFollowers, followers.size());
        for (ProfileSnapshot.FollowState fo : followers) {
            FunctionStats target = byId.get(fo.target());
            if (target == null || target == this) {
                continue;
            }
            int k = addFollower(target, capacity);
            followValues[k] = fo.value() * scaleAt.applyAsDouble(fo.timeMillis());
            followCredited[k] = fo.creditedTrigger();
            target.inRows++;
        }
    }

    @Override
    public String toString() {
        return "FunctionStats[" + id + " count=" + count + " last=" + last + " gaps=" + idleTotal
                + " rate/min=" + String.format("%.3f", ratePerMinute()) + " idle=" + Arrays.stream(idleCounts).sum() + "]";
    }
}
