package org.layerswap.swap;

import java.util.Arrays;

/**
 * Prefetch feedback, learned online per function from three kinds of outcome (bytes):
 * <ul>
 *   <li><b>real</b>: a prefetched layer was used ({@link #used}) or left the node unused ({@link #wasted});</li>
 *   <li><b>would have been used</b> ({@link #wouldHaveBeenUsed}): a prefetched layer left unused, but was needed
 *       within the time such a layer stays before the cache evicts it: the prediction was right, the cache
 *       (or the timing) was not; it offsets the function's waste, not the node's;</li>
 *   <li><b>shadow</b> ({@link #shadowUsed} / {@link #shadowWasted}): what a prefetch the credit refused would
 *       have done (needed within that time, or not). Shadows cost no bytes.</li>
 * </ul>
 * Rules (no constants):
 * <pre>
 *   the node's stake, first:           once it has any outcome, a prefetch of b bytes (with the bytes of its
 *                                      prefetches not resolved yet: queued, or resident and unused) only if
 *                                      wasted + b &lt;= used + wouldHaveBeenUsed + shadowUsed
 *   f with real outcomes:              allowed iff wasted(f) &lt;= used(f) + wouldHaveBeenUsed(f)
 *   else f with shadow outcomes:       allowed iff shadowWasted(f) &lt;= shadowUsed(f)
 *   else (no outcome, first attempt):  allowed iff the node's real wasted &lt;= its real used
 * </pre>
 * The stake: once a node has seen an outcome it never risks bytes its prefetches have not earned, real or shadow
 * (before any, its first bets are how it learns, as a function's first attempt is). Without it a few early bets
 * decide a whole trace where prefetching is rare: on the 14-day synthetic fleet (seed 1) one 480 MB prefetch at P 2 / 3
 * (read from two gaps) was wasted against 0.13 GB used in fourteen days (session 16). Where prediction pays (the
 * Azure day: 9 bytes used per byte wasted) it changed no miss (the wasted bytes by 0.2 GB in 32).
 * A function whose credit turned negative stops prefetching until a later would-have-been-used outcome
 * offsets its waste. Where prefetching pays, first attempts stay open; where the model's timing is wrong for
 * everyone, the first wasted prefetch closes the door for every function without outcomes, and a function
 * earns it only with shadows that would have been used (the probes of the version before wasted real bytes:
 * on the 14-day synthetic fleet, seed 1, every one of them). Dense function indexes; grows on demand.
 */
public final class PrefetchCredit {

    private long[] used;
    private long[] wasted;
    private long[] shadowUsed;
    private long[] shadowWasted;
    private long totalUsed;
    private long totalWasted;
    private long totalWould;
    private long totalShadowUsed;
    private long totalShadowWasted;

    public PrefetchCredit(int functions) {
        int n = Math.max(1, functions);
        used = new long[n];
        wasted = new long[n];
        shadowUsed = new long[n];
        shadowWasted = new long[n];
    }

    /** Whether a real prefetch of no bytes for {@code f} may start now: {@link #allows(int, long)}. */
    public boolean allows(int f) {
        return allows(f, 0);
    }

    /**
     * Whether a real prefetch for {@code f} may start now with {@code bytes} at stake: its own and those of the
     * prefetches not resolved yet (see the class comment).
     */
    public boolean allows(int f, long bytes) {
        long earned = totalUsed + totalWould + totalShadowUsed;
        if (totalWasted + bytes > earned && earned + totalWasted + totalShadowWasted > 0) {
            return false;
        }
        if (f < used.length) {
            if (used[f] != 0 || wasted[f] != 0) {
                return wasted[f] <= used[f];
            }
            if (shadowUsed[f] != 0 || shadowWasted[f] != 0) {
                return shadowWasted[f] <= shadowUsed[f];
            }
        }
        return totalWasted <= totalUsed;
    }

    /** A layer prefetched for {@code f} was used. */
    public void used(int f, long bytes) {
        ensure(f);
        used[f] += bytes;
        totalUsed += bytes;
    }

    /** A layer prefetched for {@code f} left the node (evicted or dropped) unused. */
    public void wasted(int f, long bytes) {
        ensure(f);
        wasted[f] += bytes;
        totalWasted += bytes;
    }

    /** A layer prefetched for {@code f} and {@link #wasted} was needed soon after it left. */
    public void wouldHaveBeenUsed(int f, long bytes) {
        ensure(f);
        used[f] += bytes;
        totalWould += bytes;
    }

    /** A prefetch refused for {@code f} would have been used. */
    public void shadowUsed(int f, long bytes) {
        ensure(f);
        shadowUsed[f] += bytes;
        totalShadowUsed += bytes;
    }

    /** A prefetch refused for {@code f} would have been wasted. */
    public void shadowWasted(int f, long bytes) {
        ensure(f);
        shadowWasted[f] += bytes;
        totalShadowWasted += bytes;
    }

    /** Node totals, bytes: real used, real wasted, would-have-been-used, shadow used, shadow wasted. */
    public long usedBytes() {
        return totalUsed;
    }

    public long wastedBytes() {
        return totalWasted;
    }

    public long wouldHaveBeenUsedBytes() {
        return totalWould;
    }

    public long shadowUsedBytes() {
        return totalShadowUsed;
    }

    public long shadowWastedBytes() {
        return totalShadowWasted;
    }

    private void ensure(int f) {
        if (f >= used.length) {
            int n = Math.max(f + 1, used.length * 2);
            used = Arrays.copyOf(used, n);
            wasted = Arrays.copyOf(wasted, n);
            shadowUsed = Arrays.copyOf(shadowUsed, n);
            shadowWasted = Arrays.copyOf(shadowWasted, n);
        }
    }
}
