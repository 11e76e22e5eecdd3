package org.layerswap.replay.policy;

/**
 * An LRU policy whose layers also expire: the subclass says what has expired by a given time (a fixed
 * keep-alive, a per-function histogram window) and evicts it; under budget pressure the least
 * recently used unpinned layer goes first, as in {@link LruPolicy}.
 *
 * <p>Invariant: expiry is applied lazily, before every invocation and once at the end of the trace,
 * so a layer is never counted resident at an event after its window ended, and the subclass accounts
 * its storage up to the exact expiry time (see {@code NodeView.evict(layer, atMillis)}).
 */
abstract class ExpiringLruPolicy extends LruPolicy {

    protected ExpiringLruPolicy(String name) {
        super(name);
    }

    /** Evicts every unpinned resident layer whose window ended before {@code t}. */
    protected abstract void expire(long t);

    @Override
    public final void beforeInvocation(int event, long t) {
        expire(t);
    }

    @Override
    public final void onEnd(long t) {
        expire(t);
    }
}
