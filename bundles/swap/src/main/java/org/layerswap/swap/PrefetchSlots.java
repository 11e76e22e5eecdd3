package org.layerswap.swap;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The prefetches a {@link NextUsePlanning} started and that still run: its concurrency limit. A layer counts from
 * {@link #started} until the node no longer reports it queued (asked lazily, at {@link #full}, of the predicate given once: no allocation per call).
 * Invariant: {@code running[0..count)} holds the layers started and not yet seen finished, in start order. Not
 * thread-safe (the planning's thread).
 */
final class PrefetchSlots {

    private final IntPredicate stillQueued;
    private int[] running = new int[8];
    private int count;

    /** @param stillQueued whether the node still fetches a layer (queued or running) */
    PrefetchSlots(IntPredicate stillQueued) {
        this.stillQueued = stillQueued;
    }

    /** Drops the layers the node no longer fetches; true when {@code max} or more still run. */
    boolean full(int max) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            if (stillQueued.test(running[i])) {
                running[k++] = running[i];
            }
        }
        count = k;
        return count >= max;
    }

    /** A prefetch of layer {@code l} started. */
    void started(int l) {
        if (count == running.length) {
            running = Arrays.copyOf(running, count * 2);
        }
        running[count++] = l;
    }

    /** Prefetches counted as running (as of the last {@link #full}, plus those started since). */
    int running() {
        return count;
    }
}
