package org.layerswap.swap;

import org.layerswap.api.RootLease;

/** A root lease that also says how long getting it took: the invocation's layer wait and mount time. */
final class TimedRootLease extends ForwardingRootLease {

    private final long layerWaitMicros;
    private final long mountMicros;

    TimedRootLease(RootLease lease, long layerWaitMicros, long mountMicros) {
        super(lease.functionId(), lease, () -> { });
        this.layerWaitMicros = layerWaitMicros;
        this.mountMicros = mountMicros;
    }

    @Override
    public long layerWaitMicros() {
        return layerWaitMicros;
    }

    @Override
    public long mountMicros() {
        return mountMicros;
    }
}
