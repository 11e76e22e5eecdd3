package org.layerswap.replay.policy;

/** Upper bound: unbounded storage, so only compulsory (first-use) misses fetch on the critical path. */
public final class InfiniteCacheOracle extends LruPolicy {

    public InfiniteCacheOracle() {
        super("oracle-infinite");
    }

    @Override
    public long budgetOverride() {
        return Long.MAX_VALUE / 4;
    }
}
