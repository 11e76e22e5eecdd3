package org.layerswap.store.layers;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One layer's digest-tree check window. Invariant: {@link #vouches()} is true only while less than {@code interval}
 * has passed (on the monotonic {@code nanoClock}) since the <i>start</i> of the latest check that found the layer
 * intact; a modification that finished before such a check started was seen by it, so one made at time {@code t} is
 * no longer vouched for from {@code t + interval} on. A zero interval never vouches (check every time).
 */
final class CheckWindow {

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private boolean intact;
    private long startedNanos;

    CheckWindow(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The clock reading to pass to {@link #intact} when the check that is about to start finds the layer intact. */
    long start() {
        return nanoClock.getAsLong();
    }

    /** A check (or the commit's scan) that started at {@code startedNanos} found the layer intact; the latest start wins. */
    synchronized void intact(long startedNanos) {
        if (!intact || startedNanos - this.startedNanos > 0) {
            this.startedNanos = startedNanos;
        }
        intact = true;
    }

    /** True when an acquire may skip the check. */
    synchronized boolean vouches() {
        return intact && intervalNanos > 0 && nanoClock.getAsLong() - startedNanos < intervalNanos;
    }
}
