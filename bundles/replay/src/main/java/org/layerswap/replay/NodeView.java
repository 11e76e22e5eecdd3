package org.layerswap.replay;

/** What a replay policy may see of, and do to, the simulated node. */
public interface NodeView {

    EventTable table();

    NodeSettings config();

    /** The budget in force (a policy may override it, e.g. the infinite-cache oracle). */
    long budgetBytes();

    long usedBytes();

    boolean resident(int layer);

    /** Queued or in flight as a prefetch. */
    boolean queued(int layer);

    /** Held by the invocation being served: must not be evicted. */
    boolean pinned(int layer);

    /** Evicts a resident layer; {@code atMillis} may lie in the past (lazy expiry) for storage accounting. */
    void evict(int layer, double atMillis);

    /** Queues a background prefetch; false when resident, queued, or larger than the budget. */
    boolean prefetch(int layer);

    long queuedPrefetchBytes();

    /** Current simulated time, ms. */
    double now();

    /**
     * Where the replay starts measuring (the end of its warm-up), ms: a policy that keeps its own accounting period (the
     * swap manager's bandwidth budget) starts it there, so it binds on what the report counts. Negative infinity: from
     * the start.
     */
    default double measuredFrom() {
        return Double.NEGATIVE_INFINITY;
    }
}
