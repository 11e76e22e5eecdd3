package org.layerswap.api;

/** Fetch priority: an invocation waiting on a layer always overtakes speculative prefetches. */
public enum FetchPriority {
    /** An invocation is waiting: critical path. */
    ON_DEMAND,
    /** Predicted need: background, may be preempted and is bandwidth-limited. */
    PREFETCH
}
