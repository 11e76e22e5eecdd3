package org.layerswap.swap;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.layerswap.api.RootLease;

/**
 * A root lease wrapped by the swap manager: forwards to the backend's lease, and on the first {@link #close()}
 * closes it and then runs {@code onClose} (bookkeeping such as in-flight counts); later closes do nothing.
 */
class ForwardingRootLease implements RootLease {

    private final String functionId;
    private final RootLease lease;
    private final Runnable onClose;
    private final AtomicBoolean open = new AtomicBoolean(true);

    ForwardingRootLease(String functionId, RootLease lease, Runnable onClose) {
        this.functionId = functionId;
        this.lease = lease;
        this.onClose = onClose;
    }

    @Override
    public String functionId() {
        return functionId;
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
    public long layerWaitMicros() {
        return lease.layerWaitMicros();
    }

    @Override
    public long mountMicros() {
        return lease.mountMicros();
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            try {
                lease.close();
            } finally {
                onClose.run();
            }
        }
    }
}
