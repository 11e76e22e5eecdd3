package org.layerswap.swap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.layerswap.api.ComposedRoot;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;
import org.layerswap.api.LayerStore;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapOutcome;
import org.layerswap.api.SwapRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composed roots (function roots, shadow roots, variant roots, each under its backend key) and THE one
 * sequence that changes one: acquire the layers (store pins) → compose on the backend → commit (the root's
 * backend and layers, the pins in the {@link PinLedger}) → record a {@link SwapRecord}; on any failure the pins
 * taken are closed and a FAILED record is written. Swaps, migrations to another backend and variant roots
 * ({@link VariantRoots.Host}) all go through {@link #compose(Job)}.
 *
 * <p>Invariants: a key's root is changed only under {@link #lock} of its function (or of the variant key); the
 * committed backend and layers of a key are replaced together (one map entry); a generation's pins stay until
 * the ledger releases them after it was superseded.
 */
final class RootComposer implements VariantRoots.Host {

    private static final Logger LOG = LoggerFactory.getLogger(RootComposer.class);

    /** Where a key is composed and from which layers (base first). */
    record Root(FilesystemBackend backend, List<LayerId> layers) {
    }

    /** Builds the root on the backend (a plain compose, or one keeping the function's writes). */
    @FunctionalInterface
    interface Build {
        ComposedRoot on(FilesystemBackend b, String key, List<Path> dirs) throws IOException;
    }

    /** Runs after the commit (still inside the sequence: its failure is the composition's); says what to record. */
    @FunctionalInterface
    interface AfterCommit {
        Result apply(long recordId, long startedMillis) throws Exception;
    }

    record Result(SwapOutcome outcome, String detail) {
    }

    /**
     * One composition of {@code key} (a root of function {@code fn}) on {@code backend} from {@code layers}, recorded
     * as a change from {@code from} in {@code mode}. {@code check} runs first (a failed check is a FAILED record);
     * {@code failureDetail} turns the failure's message into the FAILED record's detail.
     */
    record Job(String fn, String key, FilesystemBackend backend, List<LayerId> from, List<LayerId> layers, SwapMode mode,
               Runnable check, Build build, AfterCommit after, UnaryOperator<String> failureDetail) {

        /** A plain atomic composition recorded as SUCCEEDED with {@code note}, or FAILED with "note: why". */
        static Job atomic(String fn, String key, FilesystemBackend b, List<LayerId> from, List<LayerId> layers, String note) {
            return new Job(fn, key, b, from, layers, SwapMode.ATOMIC, () -> { }, FilesystemBackend::compose,
                    (id, started) -> new Result(SwapOutcome.SUCCEEDED, note), why -> note + ": " + why);
        }
    }

    /** A composition failed: its FAILED record was written; the cause is the original failure. */
    static final class Failed extends Exception {
        final transient SwapRecord record;

        Failed(SwapRecord record, Exception cause) {
            super(cause.getMessage(), cause);
            this.record = record;
        }
    }

    private final LayerStore store;
    private final LayerCatalog catalog;
    private final LongSupplier clock;
    private final Supplier<FilesystemBackend> activeBackend;
    private final Executor composer;
    private final BoundedHistory<SwapRecord> history;
    private final PinLedger pins;
    private final ConcurrentHashMap<String, Root> roots = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    /** Told of every recovered root adopted or replaced ({@link RootAdoption}'s report); by default nobody. */
    private volatile AdoptionListener adoptions = new AdoptionListener() {
    };

    /** One line per recovered root: adopted as it is, or replaced by a new composition (its stack is not the current one). */
    interface AdoptionListener {
        default void adopted(String line) {
        }

        default void replaced(String line) {
        }
    }

    RootComposer(LayerStore store, LayerCatalog catalog, LongSupplier clockMillis, Supplier<FilesystemBackend> activeBackend,
                 Executor composer, BoundedHistory<SwapRecord> history, PinLedger pins) {
        this.store = Objects.requireNonNull(store, "store");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.clock = Objects.requireNonNull(clockMillis, "clock");
        this.activeBackend = Objects.requireNonNull(activeBackend, "activeBackend");
        this.composer = Objects.requireNonNull(composer, "composer");
        this.history = Objects.requireNonNull(history, "history");
        this.pins = Objects.requireNonNull(pins, "pins");
    }

    /** The sequence: see the class comment. Returns the SUCCEEDED (or other non-failed) record. */
    SwapRecord compose(Job job) throws Failed {
        long id = ids.incrementAndGet();
        long started = clock.getAsLong();
        long t0 = System.nanoTime();
        List<LayerId> layers = job.layers() == null ? List.of() : job.layers();
        SwapMode mode = job.mode() == null ? SwapMode.ATOMIC : job.mode();
        List<LayerLease> leases = List.of();
        try {
            if (job.backend() == null) {
                throw new IllegalStateException("no filesystem backend is available");
            }
            if (layers.isEmpty()) {
                throw new IllegalArgumentException("swap of " + job.fn() + " to an empty layer set");
            }
            job.check().run();
            leases = acquireAll(layers);
            List<Path> dirs = new ArrayList<>(leases.size());
            for (LayerLease l : leases) {
                dirs.add(l.path());
            }
            ComposedRoot r = job.build().on(job.backend(), job.key(), dirs);
            commit(job.key(), job.backend(), layers, r.generation(), leases);
            Result res = job.after().apply(id, started);
            return history.add(new SwapRecord(id, job.fn(), job.from(), layers, mode, res.outcome(), started,
                    (System.nanoTime() - t0) / 1000, res.detail()));
        } catch (Exception e) {
            leases.forEach(PinLedger::closeQuietly);
            throw new Failed(history.add(new SwapRecord(id, job.fn(), job.from(), layers, mode, SwapOutcome.FAILED, started,
                    (System.nanoTime() - t0) / 1000, job.failureDetail().apply(message(e)))), e);
        }
    }

    /**
     * After a restart the backend's recovery may still hold the function's root: adopt it (pin its layers, no new
     * generation) when it is built from exactly the store directories of {@code layers}; null when it is not.
     */
    SwapRecord adopt(String fn, FilesystemBackend b, List<LayerId> layers) {
        for (ComposedRoot r : b.composed()) {
            if (r.functionId().equals(fn)) {
                SwapRecord rec = adopt(fn, r, b, layers, "root");
                if (rec == null) {
                    adoptions.replaced(fn + " on " + b.name() + " (generation " + r.generation() + "): built from other layers than "
                            + "its stack now: replaced by a new composition");
                }
                return rec;
            }
        }
        return null;
    }

    /**
     * Adopts the recovered root {@code existing} (backend key {@code existing.functionId()}, a root of function
     * {@code fn}) when it is built from exactly the store directories of {@code layers}, base first: pins the layers
     * and commits the key at the recovered generation (no compose). Null when it does not match or a pin fails.
     */
    SwapRecord adopt(String fn, ComposedRoot existing, FilesystemBackend b, List<LayerId> layers, String what) {
        if (existing.layerDirs().size() != layers.size()) {
            return null;
        }
        for (int i = 0; i < layers.size(); i++) {
            Optional<Path> p = store.path(layers.get(i));
            if (p.isEmpty() || !p.get().toAbsolutePath().normalize().equals(existing.layerDirs().get(i).toAbsolutePath().normalize())) {
                return null;
            }
        }
        long id = ids.incrementAndGet();
        long started = clock.getAsLong();
        try {
            commit(existing.functionId(), b, layers, existing.generation(), acquireAll(layers));
        } catch (Exception e) {
            return null;
        }
        adoptions.adopted(existing.functionId() + " on " + b.name() + " (generation " + existing.generation() + ", " + layers.size()
                + " layers)");
        return history.add(new SwapRecord(id, fn, List.of(), layers, SwapMode.ATOMIC, SwapOutcome.SUCCEEDED, started, 0,
                "adopted " + what + " generation " + existing.generation() + " recovered by the " + b.name() + " backend"));
    }

    /** Who is told of every recovered root adopted or replaced (one line each). */
    void onAdoption(AdoptionListener listener) {
        adoptions = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Composes every root not on {@code next} there and removes it from its old backend (drained by that backend
     * when invocations still run on it); each migration is recorded, a failed one leaves the root where it was.
     */
    void migrate(FilesystemBackend next) {
        for (Map.Entry<String, Root> e : new ArrayList<>(roots.entrySet())) {
            String key = e.getKey();
            FilesystemBackend old = e.getValue().backend();
            if (old == next) {
                continue;
            }
            String fn = key.endsWith(SwapManagerCore.SHADOW_SUFFIX)
                    ? key.substring(0, key.length() - SwapManagerCore.SHADOW_SUFFIX.length()) : key;
            synchronized (lock(fn)) {
                Root now = roots.get(key);
                if (now == null || now.backend() != old || activeBackend.get() != next) {
                    continue;
                }
                List<LayerId> layers = now.layers();
                try {
                    compose(new Job(fn, key, next, layers, layers, SwapMode.ATOMIC, () -> { }, FilesystemBackend::compose, (id, started) -> {
                        boolean removedNow;
                        try {
                            removedNow = old.remove(key);
                        } catch (IOException | RuntimeException ex) {
                            removedNow = false;
                            LOG.warn("removing {} from the {} backend: {}", key, old.name(), ex.toString());
                        }
                        return new Result(SwapOutcome.SUCCEEDED, "migrated " + key + " from backend " + old.name() + " to "
                                + next.name() + (removedNow ? "" : " (old root drains: invocations still running)"));
                    }, why -> "migration from " + old.name() + " to " + next.name() + " failed: " + why));
                } catch (Failed f) {
                    LOG.warn("migrating {} to the {} backend failed: {}", key, next.name(), f.getMessage());
                }
            }
        }
    }

    private List<LayerLease> acquireAll(List<LayerId> layers) throws Exception {
        List<LayerLease> out = new ArrayList<>(layers.size());
        try {
            for (LayerId l : layers) {
                out.add(acquire(l));
            }
            return out;
        } catch (Exception e) {
            out.forEach(PinLedger::closeQuietly);
            throw e;
        }
    }

    /**
     * Pins {@code l}: at once when resident, else (or when it was evicted meanwhile) fetched and pinned in one step by
     * the store, so no eviction comes between the fetch and the pin; a failure or timeout leaves no pin behind.
     */
    private LayerLease acquire(LayerId l) throws Exception {
        if (store.isResident(l)) {
            try {
                return store.acquire(l);
            } catch (IllegalStateException evictedMeanwhile) {
                // fetched below, held from the moment it is resident again
            }
        }
        LayerRef ref = catalog.source(l);
        if (ref == null) {
            throw new IllegalStateException("layer " + l + " is not resident and its repository is unknown");
        }
        return HeldLayers.awaitOne(store.fetchAndAcquire(ref.repository(), ref.descriptor(), FetchPriority.PREFETCH),
                TimeUnit.MINUTES.toMillis(10));
    }

    private void commit(String key, FilesystemBackend b, List<LayerId> layers, long generation, List<LayerLease> leases) {
        roots.put(key, new Root(b, List.copyOf(layers)));
        pins.commit(key, generation, leases);
    }

    /** Forgets {@code key} (new invocations no longer find it); returns its root, or null. */
    Root forget(String key) {
        return roots.remove(key);
    }

    /**
     * Removes a forgotten root from its backend (the backend drains invocations still on it) and supersedes its pins,
     * released {@code extraPinDelayNanos} later than usual.
     */
    void remove(String fn, String key, Root root, long extraPinDelayNanos) {
        if (root != null) {
            try {
                root.backend().remove(key);
            } catch (IOException | RuntimeException e) {
                LOG.warn("removing the root {} of {}: {}", key, fn, e.toString());
            }
        }
        pins.supersede(key, extraPinDelayNanos);
    }

    /** Releases the pins of superseded generations whose function runs no invocation (see {@link PinLedger}). */
    void releaseStalePins() {
        try {
            Map<String, Integer> active = new HashMap<>();
            for (FilesystemBackend b : new HashSet<>(roots.values().stream().map(Root::backend).toList())) {
                for (ComposedRoot r : b.composed()) {
                    active.merge(r.functionId(), r.activeLeases(), Integer::sum);
                }
            }
            pins.releaseStale(active);
        } catch (RuntimeException e) {
            LOG.warn("releasing layer pins: {}", e.toString());
        }
    }

    Root root(String key) {
        return roots.get(key);
    }

    /** Every root by key, sorted. */
    Map<String, Root> roots() {
        return new TreeMap<>(roots);
    }

    /** The lock under which {@code key}'s roots change. */
    @Override
    public Object lock(String key) {
        return locks.computeIfAbsent(key, k -> new Object());
    }

    // ---- VariantRoots.Host ------------------------------------------------------------------------

    @Override
    public FilesystemBackend backend() {
        return activeBackend.get();
    }

    @Override
    public FilesystemBackend composedOn(String key) {
        Root r = roots.get(key);
        return r == null ? null : r.backend();
    }

    @Override
    public List<LayerId> composedLayers(String key) {
        Root r = roots.get(key);
        return r == null ? null : r.layers();
    }

    @Override
    public void compose(String fn, String key, FilesystemBackend b, List<LayerId> layers, String note) throws Exception {
        List<LayerId> from = composedLayers(key);
        try {
            compose(Job.atomic(fn, key, b, from == null ? List.of() : from, layers, note));
        } catch (Failed f) {
            throw (Exception) f.getCause();
        }
    }

    @Override
    public void discard(String fn, String key) {
        remove(fn, key, forget(key), 0);
    }

    @Override
    public List<LayerId> stackOf(String fn) {
        return catalog.stackOf(fn);
    }

    @Override
    public boolean isResident(LayerId id) {
        return store.isResident(id);
    }

    @Override
    public void async(Runnable r) {
        try {
            composer.execute(r);
        } catch (RejectedExecutionException e) {
            LOG.debug("swap manager closed: root task dropped");
        }
    }

    static String message(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
