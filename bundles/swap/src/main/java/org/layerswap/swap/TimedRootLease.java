package org.layerswap.swap;

import java.nio.file.Path;
import java.util.List;

import org.layerswap.api.RootLease;

/** A root lease that also says how long getting it took: the invocation's layer wait and mount time. */
record TimedRootLease(RootLease lease, long layerWaitMicros, long mountMicros) implements RootLease {

    @Override
    public String functionId() {
        return lease.functionId();
    }

    @Override
    public Path root() {
        return lease.root();
    }

    @Override
    public long generation() {
        return lease.generation();
    }

    @Override
    public List<Path> layerDirs() {
        return lease.layerDirs();
    }

    @Override
    public void close() {
        lease.close();
    }
}
