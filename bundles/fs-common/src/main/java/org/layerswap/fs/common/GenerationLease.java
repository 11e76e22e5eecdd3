package org.layerswap.fs.common;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.layerswap.api.RootLease;
import org.layerswap.fs.common.GenerationalBackend.Generation;

/**
 * A lease on one generation: it keeps the generation from being torn down until closed. Closing
 * twice counts once; closing first releases the invocation's own tree ({@code releaseRoot}, e.g. its
 * per-invocation mount), then unpins; the last lease of a retired generation hands it to
 * {@code lastLeaseOfRetired} (which schedules its teardown).
 */
final class GenerationLease implements RootLease {

    private final Generation g;
    private final Path root;
    private final BiConsumer<Generation, Path> releaseRoot;
    private final Consumer<Generation> lastLeaseOfRetired;
    private final AtomicBoolean open = new AtomicBoolean(true);

    /**
     * Caller has already counted the lease ({@code g.refs}, {@code fn.leases}) under the function's monitor.
     * {@code releaseRoot} may be null (nothing to release).
     */
    GenerationLease(Generation g, Path root, BiConsumer<Generation, Path> releaseRoot, Consumer<Generation> lastLeaseOfRetired) {
        this.g = g;
        this.root = root;
        this.releaseRoot = releaseRoot;
        this.lastLeaseOfRetired = lastLeaseOfRetired;
    }

    @Override
    public String functionId() {
        return g.functionId();
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public long generation() {
        return g.number();
    }

    @Override
    public List<Path> layerDirs() {
        return g.layerDirs();
    }

    @Override
    public void close() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        if (releaseRoot != null) {
            releaseRoot.accept(g, root); // before unpinning: the generation outlives the invocation's tree
        }
        boolean reap;
        FunctionState st = g.fn;
        synchronized (st) {
            g.refs--;
            st.leases--;
            reap = g.retired && g.refs == 0;
        }
        if (reap) {
            lastLeaseOfRetired.accept(g);
        }
    }

    @Override
    public String toString() {
        return "RootLease[" + g.functionId() + " gen " + g.number() + " " + root + "]";
    }
}
