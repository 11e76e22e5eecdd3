package org.layerswap.nextuse;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.layerswap.api.NextUse;

/**
 * Per-function next-use model, learned online from inter-arrival times alone (no constant fitted to a
 * trace): for each function the last {@value #GAPS} idle gaps are kept sorted, and the next use is
 * read from the gaps <em>longer than the current idle time</em> (the conditional, "hazard" view of the
 * hybrid histogram's idle-time distribution):
 * <pre>
 *   age      = now - lastSeen
 *   G(age)   = learned gaps &gt; age                      (sorted; of the conditioned gaps while any is &gt; age)
 *   median   = lastSeen + G(age)[q = 0.5]               eviction compares these
 *   earliest = lastSeen + G(age)[q = qLow]              a prefetch ready by then is rarely late
 *   P(use in (now, now + h]) = (|G(age) &lt;= age + h| - 1) / |G(age)|     (at least 0)
 *   G(age) empty (overdue): median = earliest = now + age   (LRU-like guess)
 * </pre>
 * A timer's gaps cluster at its period (and at multiples after missed beats), so the conditional
 * quantiles follow the next beat, and after a missed beat the one after it (see
 * {@link PeriodEstimator} for the explicit period and phase). Functions with fewer than
 * {@value #MIN_OWN_GAPS} own gaps borrow a pooled prior for their median and earliest next use (the eviction order
 * needs a guess for every resident layer): the first gaps of every function seen so far. Their probability is 0: what
 * functions do on average is no evidence that <em>this</em> one will come, and a prefetch is staked on that evidence
 * (on the shared Azure day the prefetches admitted on the pool's probabilities were mostly wasted; see docs/replay.md,
 * "Session 10").
 * The probability counts the running gap as exchangeable with the learned ones longer than the idle time:
 * among those m + 1 gaps its rank is uniform, so k of the m within the horizon would give k / (m + 1). It is read
 * without the one gap that helps most: k - 1 of m - 1 gaps and the running one, (k - 1) / m. The admission asks it
 * again at every decision as the idle time grows, and each learned gap the idle time passes changes G; an estimate
 * from a handful of gaps then crosses the threshold by chance sooner or later (session 17: a 480 MB layer at 2 / 3 from
 * two gaps, a Poisson function's 200 MB layer at 3 / 5 from four, both wasted). A decision that does not hinge on a
 * single observed gap needs two within the horizon; a timer with m gaps all on its beat reads (m - 1) / m.
 * The last gap can tell the next: when the gaps that followed a gap on the last one's side of the median differ from
 * those that followed the other side (a rank test, {@link #condition}), G reads the first kind only, as long as one of
 * them is longer than the idle time (then all own gaps again). Two beats per period (short, long, short, long) or
 * runs of bursts and pauses are then predicted gap by gap; a renewal process keeps its whole sample.
 *
 * <p>Cost: {@link #observe} is O({@value #GAPS}) (two shifts in a small sorted array; a rank test of
 * O({@value #GAPS}²/4) pair comparisons every {@value LastGapSplit#RETEST} runs), the queries are
 * O(log {@value #GAPS}). Not thread-safe: one writer (the ingest path) and reads on the same thread, or external
 * synchronisation.
 */
public final class NextUseModel {

    /** Gaps kept per function: recent enough to follow a changing rate, enough for quantiles. */
    public static final int GAPS = 32;
    /** Below this many own gaps a function's next use comes from the pooled prior. */
    public static final int MIN_OWN_GAPS = 2;
    private static final int POOL = 512;
    private static final int COND_MIN = LastGapSplit.MIN_SIDE;
    private static final long MASK = LastGapSplit.MASK;

    private final Map<String, Integer> index = new HashMap<>();
    private long[] last = new long[0];
    private int[] count = new int[0];
    private int[] head = new int[0];
    private long[] ring = new long[0];
    private long[] sorted = new long[0];
    /**
     * Query cursor per function with own gaps, four longs side by side in {@link #cursors} (32 bytes: two per cache
     * line; asked for every resident layer's functions in every ranking pass): at {@code 4f} {@code cursorAge[f]}, at
     * {@code 4f + 2} {@code cursor[f]} = number of its own gaps that are &lt;= {@code cursorAge[f]}, at {@code 4f + 3} its
     * conditioned gaps ({@link #condition}: which of its sorted gaps, a bit per position, 0: none); {@code 4f + 1} is
     * not used. {@code cursorAge[f] = -1}: invalid (reset by {@link #observe}). Idle time only grows between two
     * invocations, so the cursor moves forward and a query is amortised O(1) instead of a binary search; a query for a
     * smaller age falls back to the binary search. Results are identical. A function on the pooled prior is searched
     * in the pool (at most {@value #POOL} gaps, shared and so in cache): session 15 measured that cheaper than its
     * cursor, a cache miss per query, which a change log of the pool then had to correct.
     */
    private long[] cursors = new long[0];
    private static final int CURSOR = 4;
    /** Per function, two longs: the last-gap split's state ({@link #condition}). */
    private long[] split = new long[0];
    /** Scratch for {@link #condition}: the gaps that followed the last gap's side, and the other side's. */
    private final long[] mine = new long[GAPS];
    private final long[] other = new long[GAPS];
    private int functions;
    private final long[] poolRing = new long[POOL];
    private final long[] poolSorted = new long[POOL];
    private int poolCount;
    private int poolHead;

    /** The dense index of {@code functionId}, created on first use. */
    public int index(String functionId) {
        Integer i = index.get(functionId);
        if (i != null) {
            return i;
        }
        int f = functions;
        ensure(f);
        index.put(functionId, f);
        return f;
    }

    /** The dense index of {@code functionId}, or -1 when never observed. */
    public int indexOf(String functionId) {
        Integer i = index.get(functionId);
        return i == null ? -1 : i;
    }

    /** Records an invocation; the one-line ingest hook: {@code nextUse.observe(event.functionId(), event.timestampMillis())}. */
    public void observe(String functionId, long tMillis) {
        observe(index(functionId), tMillis);
    }

    /** Records an invocation of dense function {@code f} at {@code tMillis} (out-of-order events are clamped). */
    public void observe(int f, long tMillis) {
        ensure(f);
        if (last[f] == Long.MIN_VALUE) {
            last[f] = tMillis;
            return;
        }
        long gap = Math.max(0, tMillis - last[f]);
        last[f] = Math.max(last[f], tMillis);
        int base = f * GAPS;
        cursors[CURSOR * f] = -1;
        if (count[f] < MIN_OWN_GAPS) {
            addPooled(gap);
        }
        int n = count[f];
        long prev = n == 0 ? 0 : ring[base + ((n < GAPS ? n : head[f]) - 1 & (GAPS - 1))]; // the gap before this one
        int removedAt = -1;
        int insertedAt;
        if (n < GAPS) {
            ring[base + n] = gap;
            insertedAt = insert(sorted, base, n, gap);
            count[f]++;
        } else {
            int h = head[f];
            long old = ring[base + h];
            ring[base + h] = gap;
            head[f] = (h + 1) % GAPS;
            removedAt = remove(sorted, base, GAPS, old);
            insertedAt = insert(sorted, base, GAPS - 1, gap);
        }
        condition(f, gap, prev, removedAt, insertedAt);
    }

    /**
     * Splits {@code f}'s gaps by what came before them: a gap that followed one above the split (its median at the last
     * test), or one at or below it. When the two samples differ ({@link LastGapSplit#differ}: a rank test at the 5 %
     * level, each side at least {@value LastGapSplit#MIN_SIDE} gaps), the last gap tells something about the next: the
     * predictions read the sample of the last gap's side, as long as one of its gaps is longer than the idle time. A
     * function whose gaps alternate short and long (two beats per period), or whose bursts and pauses come in runs, then
     * predicts the kind of gap that usually comes next, not the mixture; for a renewal process the two samples rarely
     * differ and nothing changes.
     * <p>The test runs once twice {@value LastGapSplit#MIN_SIDE} gaps are known, then again every
     * {@value LastGapSplit#RETEST} new gaps (a quarter of the window), with a new split. In between a run costs O(1): a rejected
     * function does nothing here; an accepted one keeps a bit per position of its sorted gaps (which followed a gap
     * above the split, which are known to follow anything) by the positions its new gap went in and its oldest left,
     * and the queries read the sample as such a bit mask in the cursor (no copy of the gaps). The memory a run touches
     * stays small: the replay's heaviest node spends its time in memory stalls.
     * <p>State: the cursor's fourth long, the sample (0: none); {@code split[2f]} = split &lt;&lt; 4 | verdict &lt;&lt;
     * 3 | runs until the next test; {@code split[2f + 1]} = known &lt;&lt; 32 | above, bit masks.
     */
    private void condition(int f, long gap, long prev, int removedAt, int insertedAt) {
        int n = count[f];
        int c = CURSOR * f + 3;
        int s = 2 * f;
        long state = split[s];
        if (n < 2 * COND_MIN) {
            cursors[c] = 0;
            split[s] = 0;
            return;
        }
        if ((state & 7) != 0) { // between two tests
            split[s] = state - 1;
            if ((state & 8) != 0) {
                long t = state >>> 4;
                long masks = split[s + 1];
                long above = masks & MASK;
                long known = masks >>> 32;
                if (removedAt >= 0) {
                    above = LastGapSplit.dropBit(above, removedAt);
                    known = LastGapSplit.dropBit(known, removedAt);
                }
                above = LastGapSplit.addBit(above, insertedAt, prev > t);
                known = LastGapSplit.addBit(known, insertedAt, true);
                split[s + 1] = known << 32 | above;
                cursors[c] = LastGapSplit.sample(above, known, gap > t);
            }
            return;
        }
        int base = f * GAPS;
        long t = sorted[base + (n - 1) / 2];
        int first = n < GAPS ? 0 : head[f]; // the oldest gap's slot (GAPS is a power of two: & is the ring's modulo)
        boolean side = gap > t;
        int k = 0;
        int o = 0;
        long above = 0;
        long known = 0;
        long before = ring[base + first];
        for (int j = 1; j < n; j++) {
            long next = ring[base + ((first + j) & (GAPS - 1))];
            int p = lower(sorted, base, n, next); // equal gaps take the next free position holding their value
            while ((known >>> p & 1) != 0) {
                p++;
            }
            known |= 1L << p;
            above |= before > t ? 1L << p : 0;
            if ((before > t) == side) {
                mine[k++] = next;
            } else {
                other[o++] = next;
            }
            before = next;
        }
        boolean accepted = k >= COND_MIN && o >= COND_MIN && LastGapSplit.differ(mine, k, other, o);
        split[s] = t << 4 | (accepted ? 8 : 0) | (LastGapSplit.RETEST - 1);
        split[s + 1] = known << 32 | above;
        cursors[c] = accepted ? LastGapSplit.sample(above, known, side) : 0;
    }

    /** The sample {@code f}'s predictions read ({@link #condition}: a bit per sorted gap; 0: all its gaps). */
    long conditionedSample(int f) {
        return f < functions ? cursors[CURSOR * f + 3] & MASK : 0;
    }

    /** {@code f}'s split state ({@link #condition}: split &lt;&lt; 4 | verdict &lt;&lt; 3 | runs until the next test). */
    long splitState(int f) { return f < functions ? split[2 * f] : 0; }

    /** {@code f}'s conditioned sample above sorted position {@code from}, shifted down by it (0: none, or pooled). */
    private long sampleFrom(int f, int from) {
        return count[f] < MIN_OWN_GAPS || from >= GAPS ? 0 : (cursors[CURSOR * f + 3] & MASK) >>> from;
    }

    public int functionCount() {
        return functions;
    }

    /** Last invocation of {@code f}, or {@code Long.MIN_VALUE} when never seen. */
    public long lastSeen(int f) {
        return f < functions ? last[f] : Long.MIN_VALUE;
    }

    /** Gaps learned for {@code f} (own, not pooled). */
    public int gapCount(int f) {
        return f < functions ? count[f] : 0;
    }

    /** Next use of {@code f} at {@code now} (see the class comment), or null when never seen. */
    public NextUse nextUse(int f, long now, double qLow) {
        if (f >= functions || last[f] == Long.MIN_VALUE) {
            return null;
        }
        long age = Math.max(0, now - last[f]);
        long med = conditionalGap(f, age, 0.5);
        if (med < 0) {
            return new NextUse(now + age, now + age, true);
        }
        long low = conditionalGap(f, age, qLow);
        return new NextUse(last[f] + low, last[f] + med, false);
    }

    /** Median next use of {@code f} (allocation-free {@link #nextUse}); {@code Long.MAX_VALUE} when never seen. */
    public long medianNextUse(int f, long now) {
        return nextUseAt(f, now, 0.5);
    }

    /** Quantile {@code q} of the next use of {@code f}, absolute ms; overdue gives now + age. */
    public long nextUseAt(int f, long now, double q) {
        if (f >= functions || last[f] == Long.MIN_VALUE) {
            return Long.MAX_VALUE;
        }
        long age = Math.max(0, now - last[f]);
        long g = conditionalGap(f, age, q);
        return g < 0 ? now + age : last[f] + g;
    }

    /** Whether {@code f} has been idle longer than every gap it has shown (its prediction is a guess). */
    public boolean nextUseOverdueAt(int f, long now) {
        if (f >= functions || last[f] == Long.MIN_VALUE) {
            return true;
        }
        return conditionalGap(f, Math.max(0, now - last[f]), 0.5) < 0;
    }

    /**
     * Whether {@code f} is idle longer than every gap of its own: it stays so until its next {@link #observe}, and
     * {@link #nextUseAt} answers now + idle time for every quantile meanwhile. False while it reads the pooled prior,
     * which other functions' runs change.
     */
    public boolean overdueUntilNextRun(int f, long now) {
        return f < functions && last[f] != Long.MIN_VALUE && count[f] >= MIN_OWN_GAPS
                && conditionalGap(f, Math.max(0, now - last[f]), 0.5) < 0;
    }

    /**
     * P(next use of {@code f} in (now, now + horizon] | idle since its last use), the running gap exchangeable with
     * the learned ones longer than the idle time (see the class comment); 0 when overdue, unseen or still on the pooled
     * prior (fewer than {@value #MIN_OWN_GAPS} own gaps).
     */
    public double probabilityWithin(int f, long now, long horizonMillis) {
        if (f >= functions || last[f] == Long.MIN_VALUE) {
            return 0;
        }
        if (count[f] < MIN_OWN_GAPS) { // what functions do on average is no evidence about this one
            return 0;
        }
        long age = Math.max(0, now - last[f]);
        long[] a = gaps(f);
        int base = gapsBase(f);
        int n = gapsCount(f);
        int from = above(f, a, base, n, age);
        long sample = sampleFrom(f, from);
        if (sample != 0) { // the conditioned gaps beyond the idle time, those within the horizon
            int to = upper(a, base, n, age + horizonMillis);
            long within = to - from >= GAPS ? sample : sample & ((1L << (to - from)) - 1);
            return leaveOneOut(Long.bitCount(within), Long.bitCount(sample));
        }
        if (from >= n) {
            return 0;
        }
        int to = upper(a, base, n, age + horizonMillis);
        return leaveOneOut(to - from, n - from);
    }

    /**
     * {@code k} of the {@code m} conditioned gaps fall within the horizon: the probability without the one gap that
     * helps most, (k - 1) / m, i.e. k - 1 of m - 1 gaps and the running one (see the class comment).
     */
    private static double leaveOneOut(int k, int m) {
        return k <= 1 ? 0 : (double) (k - 1) / m;
    }

    /**
     * The earliest time after {@code now} at which {@link #nextUseAt} of {@code f} can answer differently
     * (for every quantile), barring a new {@link #observe} of {@code f}: the moment its idle time passes
     * the next learned gap. {@code now} when the answer moves with time (overdue: now + idle time) or
     * reads the pooled prior (which other functions change); {@code Long.MAX_VALUE} when never seen.
     * Lets a caller that sweeps every function per decision skip the ones whose prediction is unchanged.
     */
    public long predictionStableUntil(int f, long now) {
        if (f >= functions || last[f] == Long.MIN_VALUE) {
            return Long.MAX_VALUE;
        }
        if (count[f] < MIN_OWN_GAPS) {
            return now;
        }
        long age = Math.max(0, now - last[f]);
        int from = above(f, sorted, f * GAPS, count[f], age);
        long sample = sampleFrom(f, from);
        if (sample != 0) { // the next conditioned gap
            return last[f] + sorted[f * GAPS + from + Long.numberOfTrailingZeros(sample)];
        }
        return from >= count[f] ? now : last[f] + sorted[f * GAPS + from];
    }

    /** Quantile {@code q} of the learned gaps longer than {@code age}, or -1 when there is none. */
    long conditionalGap(int f, long age, double q) {
        long[] a = gaps(f);
        int base = gapsBase(f);
        int n = gapsCount(f);
        int from = above(f, a, base, n, age);
        long sample = sampleFrom(f, from);
        if (sample != 0) { // quantile q of the conditioned gaps beyond the idle time
            for (int j = (int) Math.floor(q * (Long.bitCount(sample) - 1)); j > 0; j--) {
                sample &= sample - 1;
            }
            return a[base + from + Long.numberOfTrailingZeros(sample)];
        }
        if (from >= n) {
            return -1;
        }
        int k = from + (int) Math.floor(q * (n - 1 - from));
        return a[base + k];
    }

    /** The sorted gaps {@code f}'s predictions read: its own, or the pooled prior while it has too few. */
    private long[] gaps(int f) {
        return count[f] >= MIN_OWN_GAPS ? sorted : poolSorted;
    }

    private int gapsBase(int f) {
        return count[f] >= MIN_OWN_GAPS ? f * GAPS : 0;
    }

    private int gapsCount(int f) {
        return count[f] >= MIN_OWN_GAPS ? count[f] : poolCount;
    }

    /** {@link #upper} for {@code f}'s gaps at idle time {@code age}, through {@code f}'s cursor. */
    private int above(int f, long[] a, int base, int n, long age) {
        if (count[f] < MIN_OWN_GAPS) { // the pooled prior: searched (see cursors), unless the idle time is past it all
            return n == 0 || age >= a[base + n - 1] ? n : upper(a, base, n, age);
        }
        int c = CURSOR * f;
        long at = cursors[c];
        int p;
        if (at >= 0 && age >= at) {
            p = (int) cursors[c + 2];
            int stop = Math.min(n, p + 4);
            while (p < stop && a[base + p] <= age) {
                p++;
            }
            if (p == stop && p < n && a[base + p] <= age) { // moved far: search the rest
                p += upper(a, base + p, n - p, age);
            }
        } else {
            p = upper(a, base, n, age);
        }
        cursors[c] = age;
        cursors[c + 2] = p;
        return p;
    }

    /** First position in {@code a[base, base+n)} whose value is &gt;= {@code v}, relative to base. */
    private static int lower(long[] a, int base, int n, long v) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int m = (lo + hi) >>> 1;
            if (a[base + m] < v) {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        return lo;
    }

    /** First position in {@code a[base, base+n)} whose value is &gt; {@code v}, relative to base. */
    private static int upper(long[] a, int base, int n, long v) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int m = (lo + hi) >>> 1;
            if (a[base + m] <= v) {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        return lo;
    }

    private void addPooled(long gap) {
        if (poolCount < POOL) {
            poolRing[poolCount] = gap;
            insert(poolSorted, 0, poolCount, gap);
            poolCount++;
        } else {
            long old = poolRing[poolHead];
            poolRing[poolHead] = gap;
            poolHead = (poolHead + 1) % POOL;
            remove(poolSorted, 0, POOL, old);
            insert(poolSorted, 0, POOL - 1, gap);
        }
    }

    /** Inserts {@code v} into the sorted {@code a[base, base+n)} (capacity n+1); returns its position. */
    private static int insert(long[] a, int base, int n, long v) {
        int p = upper(a, base, n, v);
        System.arraycopy(a, base + p, a, base + p + 1, n - p);
        a[base + p] = v;
        return p;
    }

    /** Removes one {@code v} from the sorted {@code a[base, base+n)}; returns the position it had. */
    private static int remove(long[] a, int base, int n, long v) {
        int p = upper(a, base, n, v) - 1; // last position holding v
        System.arraycopy(a, base + p + 1, a, base + p, n - p - 1);
        return p;
    }

    private void ensure(int f) {
        if (f < functions) {
            return;
        }
        int cap = last.length;
        if (f >= cap) {
            int n = Math.max(f + 1, Math.max(16, cap * 2));
            last = Arrays.copyOf(last, n);
            Arrays.fill(last, cap, n, Long.MIN_VALUE);
            count = Arrays.copyOf(count, n);
            head = Arrays.copyOf(head, n);
            cursors = Arrays.copyOf(cursors, CURSOR * n);
            split = Arrays.copyOf(split, 2 * n);
            for (int g = cap; g < n; g++) {
                cursors[CURSOR * g] = -1;
            }
            ring = Arrays.copyOf(ring, n * GAPS);
            sorted = Arrays.copyOf(sorted, n * GAPS);
        }
        functions = f + 1;
    }
}
