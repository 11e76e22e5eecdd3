package org.layerswap.replay;

/**
 * A cache/prefetch policy driven by the replay {@link Simulator}: the same decisions the swap manager
 * makes live (what to keep, what to evict, what to prefetch). One instance serves one replay.
 * Layer and event arguments are the {@link EventTable}'s dense indexes.
 */
public abstract class ReplayPolicy {

    protected NodeView node;

    public abstract String name();

    /** Called once before the replay. */
    public void init(NodeView node) {
        this.node = node;
    }

    /** A budget replacing the node's ({@code Long.MAX_VALUE} for an infinite cache), or -1. */
    public long budgetOverride() {
        return -1;
    }

    /** Before the invocation's layers are looked up (expire layers here). */
    public void beforeInvocation(int event, long t) {
    }

    /** Layer {@code pos} of the invocation's stack was used (hit, or just fetched on demand). */
    public void onAccess(int layer, int event, int pos, long t) {
    }

    /** A layer became resident (fetched on demand, or a prefetch completed at {@code t}). */
    public void onInsert(int layer, double t, boolean prefetch) {
    }

    public void onEvict(int layer) {
    }

    /**
     * A prefetch of {@code layer} left the queue: its transfer ended ({@link #onInsert} or {@link #onPrefetchDropped}
     * follows, after the room is made) or an invocation took it over on demand (it is fetched with its stack).
     */
    public void onUnqueued(int layer) {
    }

    /** A prefetch of {@code layer} completed at {@code t} but could not be kept (no room): the simulator counts it as waste. */
    public void onPrefetchDropped(int layer, double t) {
    }

    /**
     * The resident, unpinned layer to evict to make room for {@code incoming} (-1 while serving an
     * invocation is never passed), or -1 to refuse (the incoming layer is then not kept).
     */
    public abstract int victim(double t, int incoming, boolean forPrefetch);

    /** After the invocation was served: learn and issue prefetches. */
    public void afterInvocation(int event, long t) {
    }

    /** The next time this policy wants {@link #onTimer} called, or {@code Long.MAX_VALUE}. */
    public long nextTimer() {
        return Long.MAX_VALUE;
    }

    public void onTimer(long t) {
    }

    /** The trace ended at {@code t}: expire what would have expired by then (storage accounting). */
    public void onEnd(long t) {
    }

    /** Calibration of the policy's probabilities, or null when it makes none. */
    public Calibration calibration() {
        return null;
    }
}
