package org.layerswap.swap;

import java.util.Arrays;
import java.util.function.IntToLongFunction;

/**
 * Prefetches that did not happen, followed as if they had (issue 13), so {@link PrefetchCredit} learns without
 * spending bytes:
 * <ul>
 *   <li>a prefetch the credit refused ({@link #refused}): used if the layer is accessed within the window
 *       ({@link PrefetchCredit#shadowUsed}), else wasted ({@link PrefetchCredit#shadowWasted});</li>
 *   <li>a real prefetch evicted unused ({@link #evictedUnused}): if the layer is accessed within the window after
 *       it left, it would have been used ({@link PrefetchCredit#wouldHaveBeenUsed}); otherwise nothing more.</li>
 * </ul>
 * <pre>
 *   window = min(cache lifetime, mean time real prefetches stayed resident before they left unused)
 * </pre>
 * the time a prefetched layer can be expected to wait for its use (infinite until either is known: then no
 * shadow expires). Invariant: at most one pending shadow per layer ({@code owner[l] >= 0}), and
 * {@code list[0, count)} holds every layer with a pending shadow (and possibly some settled ones, dropped at the
 * next {@link #expire}). Dense layer indexes; not thread-safe (the planning's thread).
 */
final class ShadowPrefetches {

    private final PrefetchCredit credit;
    private final IntToLongFunction sizeBytes;
    private int[] owner = new int[0];
    private long[] at = new long[0];
    private boolean[] would = new boolean[0];
    private boolean[] listed = new boolean[0];
    private int[] list = new int[8];
    private int count;
    private double survivalMillis = Double.POSITIVE_INFINITY;
    private long survivalSamples;

    ShadowPrefetches(PrefetchCredit credit, IntToLongFunction sizeBytes) {
        this.credit = credit;
        this.sizeBytes = sizeBytes;
    }

    void resize(int layers) {
        int was = owner.length;
        if (layers <= was) {
            return;
        }
        owner = Arrays.copyOf(owner, layers);
        Arrays.fill(owner, was, layers, -1);
        at = Arrays.copyOf(at, layers);
        would = Arrays.copyOf(would, layers);
        listed = Arrays.copyOf(listed, layers);
    }

    /** A prefetch of {@code l} for {@code f} was refused at {@code now}. */
    void refused(int l, int f, long now) {
        start(l, f, now, false);
    }

    /** A prefetch of {@code l} for {@code f} left the node unused at {@code now} after {@code residentMillis}. */
    void evictedUnused(int l, int f, long now, long residentMillis) {
        survivalSamples++;
        double x = Math.max(0, residentMillis);
        survivalMillis = survivalSamples == 1 ? x : survivalMillis + (x - survivalMillis) / Math.min(survivalSamples, 1000);
        start(l, f, now, true);
    }

    /** Layer {@code l} was accessed: its pending shadow, if any, would have been used. */
    void accessed(int l) {
        int f = owner[l];
        if (f < 0) {
            return;
        }
        if (would[l]) {
            credit.wouldHaveBeenUsed(f, sizeBytes.applyAsLong(l));
        } else {
            credit.shadowUsed(f, sizeBytes.applyAsLong(l));
        }
        owner[l] = -1;
    }

    /** Settles the shadows older than the window at {@code now}; {@code lifetimeMillis}: the cache's. */
    void expire(long now, double lifetimeMillis) {
        double window = Math.min(lifetimeMillis, survivalMillis);
        int k = 0;
        for (int i = 0; i < count; i++) {
            int l = list[i];
            if (owner[l] >= 0 && now - at[l] > window) {
                if (!would[l]) {
                    credit.shadowWasted(owner[l], sizeBytes.applyAsLong(l));
                }
                owner[l] = -1;
            }
            if (owner[l] >= 0) {
                list[k++] = l;
            } else {
                listed[l] = false;
            }
        }
        count = k;
    }

    boolean pending(int l) {
        return owner[l] >= 0;
    }

    /** Mean time real prefetches stayed before leaving unused (infinite before the first). */
    double survivalMillis() {
        return survivalMillis;
    }

    private void start(int l, int f, long now, boolean afterEviction) {
        if (owner[l] >= 0) {
            return;
        }
        owner[l] = f;
        at[l] = now;
        would[l] = afterEviction;
        if (!listed[l]) {
            listed[l] = true;
            if (count == list.length) {
                list = Arrays.copyOf(list, count * 2);
            }
            list[count++] = l;
        }
    }
}
