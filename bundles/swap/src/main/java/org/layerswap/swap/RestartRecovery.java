package org.layerswap.swap;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.LayerStore;
import org.layerswap.api.RestartReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the swap manager takes over from before its start: the backends' recovered roots ({@link RootAdoption}, a
 * pass whenever a backend becomes active and once the stored catalog is restored) and the prefetches the previous
 * run left unfinished ({@link PrefetchJournal}, resumed at start, when the catalog is restored and when a function is
 * defined while entries still wait for their layer). Builds the {@link RestartReport}.
 *
 * <p>Invariants: adoption passes run on the composer thread, resumes on the worker thread; a resumed prefetch is
 * started outside the usual concurrency limit (it was admitted before the stop) and is journaled again like any
 * other; until {@link #catalogRestored} recovered roots of undefined functions and journal entries of unknown layers
 * are kept, not cleaned (the catalog may not be restored yet).
 */
final class RestartRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(RestartRecovery.class);

    private final RootAdoption adoption;
    private final FetchCoordinator fetches;
    private final LayerCatalog catalog;
    private final LayerStore store;
    private final Executor composer;
    private final Executor worker;
    private final List<String> restored = new CopyOnWriteArrayList<>();
    private volatile PrefetchJournal journal;
    private volatile boolean catalogComplete;
    private volatile FilesystemBackend backend;

    RestartRecovery(RootAdoption adoption, FetchCoordinator fetches, LayerCatalog catalog, LayerStore store, Executor composer,
                    Executor worker) {
        this.adoption = Objects.requireNonNull(adoption, "adoption");
        this.fetches = Objects.requireNonNull(fetches, "fetches");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.store = Objects.requireNonNull(store, "store");
        this.composer = Objects.requireNonNull(composer, "composer");
        this.worker = Objects.requireNonNull(worker, "worker");
    }

    /** Journals prefetches from now on and reads what the previous run left (call before the manager starts). */
    void useJournal(PrefetchJournal j) {
        journal = j;
        fetches.useJournal(j);
    }

    /** The manager starts: resume the journaled prefetches; adopt the recovered roots of {@code b} (null: none yet). */
    void start(FilesystemBackend b) {
        async(worker, this::resumePrefetches);
        if (b != null) {
            async(composer, () -> backendActive(b));
        }
    }

    /** {@code b} became the active backend: adopt or clean its recovered roots (on the composer thread). */
    void backendActive(FilesystemBackend b) {
        backend = b;
        adoption.run(b, catalogComplete);
    }

    /** The stored catalog was restored ({@code what}: one line for the report): decide every recovered root, resume. */
    void catalogRestored(String what) {
        restored.add(what);
        catalogComplete = true;
        async(composer, () -> adoption.run(backend, true));
        async(worker, this::resumePrefetches);
    }

    /** A function was defined: journal entries waiting for their layer may be resumable now. */
    void functionDefined() {
        PrefetchJournal j = journal;
        if (j != null && j.hasPending()) {
            async(worker, this::resumePrefetches);
        }
    }

    /** Resumes the journaled prefetches whose layer is known (on the worker thread). */
    void resumePrefetches() {
        PrefetchJournal j = journal;
        if (j == null) {
            return;
        }
        j.resume(store::isResident, id -> catalog.source(id) != null, catalogComplete,
                (id, fn, score) -> fetches.tryStartPrefetch(id, fn, score, Integer.MAX_VALUE, ExperimentArm.NONE));
    }

    /** The manager stops: prefetches still running stay journaled for the next start. */
    void close() {
        PrefetchJournal j = journal;
        if (j != null) {
            j.close();
        }
    }

    RestartReport report() {
        PrefetchJournal j = journal;
        List<String> cleaned = new ArrayList<>(adoption.cleanedLines());
        List<String> pending = new ArrayList<>(adoption.pendingLines());
        List<String> resumed = List.of();
        if (j != null) {
            resumed = j.resumedLines();
            j.droppedLines().forEach(l -> cleaned.add("journaled prefetch " + l));
            pending.addAll(j.pendingLines());
        }
        return new RestartReport(adoption.adoptedLines(), cleaned, resumed, List.copyOf(restored), pending);
    }

    private static void async(Executor e, Runnable r) {
        try {
            e.execute(r);
        } catch (RejectedExecutionException ex) {
            LOG.debug("swap manager closed: restart task dropped");
        }
    }
}
