package org.layerswap.swap;

import java.util.Arrays;

/**
 * Prefetch feedback, learned online at two levels:
 * <ul>
 *   <li>per function: a function keeps the right to have its layers prefetched while the bytes
 *       prefetched for it that were used are at least the bytes evicted unused ({@code wasted <= used});</li>
 *   <li>node-wide, for functions with no outcome yet (first attempts): such a function may try only while
 *       the node's prefetches as a whole were used at least as much as wasted
 *       ({@code totalWasted <= totalUsed}). Where prefetching pays (most outcomes used) first attempts
 *       stay open; on a workload where the model's timing is wrong for everyone, the first wasted
 *       attempt closes the door for every function without history, instead of one wasted attempt per
 *       function. So that a node whose very first outcomes were wasted is not closed for good (every
 *       function without history, no outcome can ever reopen it), a closed gate lets one probe through
 *       after 2<sup>k</sup> refused first attempts, k = probes given so far: the probes' waste grows
 *       with the log of the refused requests, and one used probe reopens the gate.</li>
 * </ul>
 * Invariant: a function without history is admitted only while the node's wasted bytes are at most its
 * used ones, or as the k-th probe after 2<sup>k</sup> refusals. {@link #allows} therefore counts refusals
 * (call it once per attempt). Dense function indexes; grows on demand.
 */
public final class PrefetchCredit {

    private long[] used;
    private long[] wasted;
    private long totalUsed;
    private long totalWasted;
    private long refusedSinceProbe;
    private int probes;

    public PrefetchCredit(int functions) {
        used = new long[Math.max(1, functions)];
        wasted = new long[Math.max(1, functions)];
    }

    public boolean allows(int f) {
        boolean noHistory = f >= used.length || (used[f] == 0 && wasted[f] == 0);
        if (!noHistory) {
            return wasted[f] <= used[f];
        }
        if (totalWasted <= totalUsed) {
            return true;
        }
        if (++refusedSinceProbe < (1L << Math.min(probes, 62))) {
            return false;
        }
        refusedSinceProbe = 0;
        probes++;
        return true;
    }

    /** A layer prefetched for {@code f} was used. */
    public void used(int f, long bytes) {
        ensure(f);
        used[f] += bytes;
        totalUsed += bytes;
    }

    /** A layer prefetched for {@code f} was evicted (or dropped) unused. */
    public void wasted(int f, long bytes) {
        ensure(f);
        wasted[f] += bytes;
        totalWasted += bytes;
    }

    private void ensure(int f) {
        if (f >= used.length) {
            int n = Math.max(f + 1, used.length * 2);
            used = Arrays.copyOf(used, n);
            wasted = Arrays.copyOf(wasted, n);
        }
    }
}
