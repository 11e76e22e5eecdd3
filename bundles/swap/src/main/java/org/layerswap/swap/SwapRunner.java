package org.layerswap.swap;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerStore;
import org.layerswap.api.RootLease;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapOutcome;
import org.layerswap.api.SwapRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The swaps of function roots, each one {@link RootComposer} job: the three modes ({@link SwapMode#ATOMIC},
 * {@link SwapMode#COPY_ON_WRITE}, {@link SwapMode#SHADOW} which starts a {@link ShadowRollouts} rollout), staged
 * swaps (run once their fetched layers are resident), composing ahead (a function's root as soon as its stack is
 * resident, adopting a root the backend recovered) and the function root an invocation enters.
 *
 * <p>Invariants: every swap runs under the function's {@link RootComposer#lock}; a successful non-shadow swap makes
 * its layers the function's stack in the {@link LayerCatalog}; a staged swap runs at most once; a function with a
 * staged swap or a shadow rollout is not composed ahead (the swap decides its stack).
 */
final class SwapRunner {

    private static final Logger LOG = LoggerFactory.getLogger(SwapRunner.class);

    private record Staged(List<LayerId> layers, SwapMode mode, double share) {
    }

    private final Supplier<SwapSettings> settings;
    private final Supplier<FilesystemBackend> backend;
    private final LayerStore store;
    private final LayerCatalog catalog;
    private final RootComposer roots;
    private final FetchCoordinator fetches;
    private final VariantRoots variants;
    private final Executor composer;
    private final ShadowRollouts shadows;
    private final ConcurrentHashMap<String, Staged> staged = new ConcurrentHashMap<>();

    SwapRunner(Supplier<SwapSettings> settings, Supplier<FilesystemBackend> backend, LayerStore store, LayerCatalog catalog,
               RootComposer roots, FetchCoordinator fetches, VariantRoots variants, Executor composer,
               BoundedHistory<SwapRecord> history, long pinReleaseDelayNanos) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.store = Objects.requireNonNull(store, "store");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.roots = Objects.requireNonNull(roots, "roots");
        this.fetches = Objects.requireNonNull(fetches, "fetches");
        this.variants = Objects.requireNonNull(variants, "variants");
        this.composer = Objects.requireNonNull(composer, "composer");
        this.shadows = new ShadowRollouts(roots, history, composer, this::promote, pinReleaseDelayNanos);
    }

    ShadowRollouts shadows() {
        return shadows;
    }

    /** Pins the function's own root, composing (or adopting) it first when it is missing or stale. */
    RootLease enterFunctionRoot(String fn) throws IOException {
        try {
            return enterOnce(fn);
        } catch (IOException e) {
            if (roots.root(fn) != null) {
                throw e;
            }
            return enterOnce(fn); // the idle root was released for an eviction meanwhile (IdleRoots): composed again
        }
    }

    private RootLease enterOnce(String fn) throws IOException {
        RootComposer.Root root = roots.root(fn);
        if (root == null || !catalog.stackOf(fn).equals(root.layers())) {
            SwapRecord r = ensureComposed(fn);
            if (r != null && r.outcome() == SwapOutcome.FAILED) {
                throw new IOException("cannot compose the root of " + fn + ": " + r.detail());
            }
            root = roots.root(fn);
            if (root == null) {
                throw new IOException("function " + fn + " has no composed root");
            }
        }
        try {
            return root.backend().enter(fn);
        } catch (IOException e) {
            FilesystemBackend now = roots.composedOn(fn);
            if (now == null || now == root.backend()) {
                throw e;
            }
            return now.enter(fn); // migrated to another backend meanwhile
        }
    }

    SwapRecord swap(String functionId, List<LayerId> layers, SwapMode mode, double shadowShare) {
        synchronized (roots.lock(functionId)) {
            return doSwap(functionId, layers, mode, shadowShare, "");
        }
    }

    /** Schedules a swap for before the function's next invocation: runs once its layers (prefetched) are resident. */
    void stage(String functionId, List<LayerId> layers, SwapMode mode, double shadowShare) {
        staged.put(functionId, new Staged(List.copyOf(layers), mode, shadowShare));
        boolean all = true;
        for (LayerId l : layers) {
            if (!store.isResident(l)) {
                all = false;
                fetches.fetchStaged(functionId, l);
            }
        }
        if (all) {
            composer.execute(() -> runStaged(functionId));
        }
    }

    /** A layer became resident: run the staged swaps it completes and, with composeAhead, compose roots ahead. */
    void onResident(LayerId id) {
        for (Map.Entry<String, Staged> e : staged.entrySet()) {
            if (e.getValue().layers().contains(id) && allResident(e.getValue().layers())) {
                composer.execute(() -> runStaged(e.getKey()));
            }
        }
        if (settings.get().composeAhead()) {
            variants.onResident(id);
            FilesystemBackend b = backend.get();
            FunctionLayerMap m = catalog.map();
            for (String fn : m.functionsUsing(id)) {
                List<LayerId> layers = m.layersOf(fn);
                RootComposer.Root root = roots.root(fn);
                if ((root == null || root.backend() != b || !layers.equals(root.layers())) && !staged.containsKey(fn)
                        && !shadows.isRunning(fn) && allResident(layers)) {
                    composer.execute(() -> ensureComposedQuietly(fn));
                }
            }
        }
    }

    private void runStaged(String fn) {
        Staged s = staged.get(fn);
        if (s != null && allResident(s.layers()) && staged.remove(fn, s)) {
            swap(fn, s.layers(), s.mode(), s.share());
        }
    }

    void ensureComposedQuietly(String fn) {
        try {
            ensureComposed(fn);
        } catch (RuntimeException e) {
            LOG.warn("composing {} ahead of its invocation failed: {}", fn, e.toString());
        }
    }

    /** Composes {@code fn}'s mapped stack on the active backend (adopting a recovered root) unless it is; null when it is. */
    private SwapRecord ensureComposed(String fn) {
        synchronized (roots.lock(fn)) {
            FilesystemBackend b = backend.get();
            List<LayerId> layers = catalog.stackOf(fn);
            RootComposer.Root root = roots.root(fn);
            if (b == null || layers.isEmpty() || (root != null && root.backend() == b && layers.equals(root.layers()))) {
                return null;
            }
            if (root == null) {
                SwapRecord adopted = roots.adopt(fn, b, layers);
                if (adopted != null) {
                    return adopted;
                }
            }
            return doSwap(fn, layers, SwapMode.ATOMIC, 0, root != null ? "" : "composed ahead of invocation");
        }
    }

    SwapRecord promote(String fn, List<LayerId> candidate, String note) {
        return doSwap(fn, candidate, SwapMode.ATOMIC, 0, note);
    }

    /** A swap through the one composition sequence; under the function's lock. Never throws: a failure is a FAILED record. */
    private SwapRecord doSwap(String fn, List<LayerId> layers, SwapMode mode, double share, String note) {
        RootComposer.Root current = roots.root(fn);
        List<LayerId> from = current == null ? List.of() : current.layers();
        boolean shadow = mode == SwapMode.SHADOW && !from.isEmpty();
        SwapSettings st = settings.get();
        double s = share > 0 && share < 1 ? share : st.shadowShare();
        RootComposer.Job job = new RootComposer.Job(fn, shadow ? ShadowRollouts.shadowKey(fn) : fn, backend.get(), from, layers, mode,
                () -> {
                    if (mode == SwapMode.SHADOW && shadows.isRunning(fn)) {
                        throw new IllegalStateException("function " + fn + " already has a shadow rollout running");
                    }
                },
                mode == SwapMode.COPY_ON_WRITE && !shadow ? FilesystemBackend::composeKeepingWrites : FilesystemBackend::compose,
                (id, started) -> {
                    if (shadow) {
                        shadows.start(fn, new ShadowExperiment(id, from, layers, s, st.minShadowSamples(), st.shadowErrorTolerance(),
                                st.shadowLatencyTolerance(), started));
                        return new RootComposer.Result(SwapOutcome.SHADOWING, "share " + s);
                    }
                    catalog.setStack(fn, layers);
                    return new RootComposer.Result(SwapOutcome.SUCCEEDED,
                            mode == SwapMode.SHADOW ? "no current layer set to compare with: composed directly" : note);
                },
                why -> why);
        try {
            return roots.compose(job);
        } catch (RootComposer.Failed f) {
            LOG.warn("swap of {} to {} ({}) failed: {}", fn, layers, mode, f.record.detail());
            return f.record;
        }
    }

    boolean allResident(Collection<LayerId> layers) {
        for (LayerId l : layers) {
            if (!store.isResident(l)) {
                return false;
            }
        }
        return true;
    }
}
