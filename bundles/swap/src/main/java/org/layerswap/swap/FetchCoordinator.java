package org.layerswap.swap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;
import org.layerswap.api.LayerStore;
import org.layerswap.api.PrefetchRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layer fetches the swap manager starts: prefetches (claimed on the caller's thread, run on the worker, never
 * awaited), on-demand fetches of an invocation's missing layers (shared while one runs), and the fetches of a
 * staged swap. Each fetch shows in {@link #inFlight} while it runs and ends in ONE {@link PrefetchRecord} built
 * by {@link Tracked#end}.
 *
 * <p>Invariants: at most {@code maxConcurrent} prefetches run (the counter is claimed before a prefetch starts and
 * given back exactly once); a layer has at most one prefetch and one on-demand fetch of this manager at a time;
 * a successful fetch reports its bytes to the feedback loop (prefetch and on-demand) and calls {@code onResident}.
 */
final class FetchCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(FetchCoordinator.class);

    /** Frees storage for a prefetch: null when there is room, else why not (the prefetch is then skipped). */
    @FunctionalInterface
    interface Room {
        String makeRoom(LayerId id, long bytes, double score);
    }

    private final LayerStore store;
    private final LayerCatalog catalog;
    private final LongSupplier clock;
    private final Executor worker;
    private final BoundedHistory<PrefetchRecord> history;
    private final Supplier<FeedbackLoop> feedback;
    private final Room room;
    private final Consumer<LayerId> onResident;
    private final Runnable afterPrefetch;
    private final ConcurrentHashMap<LayerId, CompletableFuture<Path>> prefetching = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<LayerId, CompletableFuture<Path>> onDemand = new ConcurrentHashMap<>();
    private final AtomicInteger prefetchesRunning = new AtomicInteger();
    private final AtomicLong recordIds = new AtomicLong();
    private final FetchesInFlight inFlight = new FetchesInFlight();
    /** Where running prefetches are recorded so a restart resumes them; null: not recorded. */
    private volatile PrefetchJournal journal;

    FetchCoordinator(LayerStore store, LayerCatalog catalog, LongSupplier clockMillis, Executor worker,
                     BoundedHistory<PrefetchRecord> history, Supplier<FeedbackLoop> feedback, Room room,
                     Consumer<LayerId> onResident, Runnable afterPrefetch) {
        this.store = Objects.requireNonNull(store, "store");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.clock = Objects.requireNonNull(clockMillis, "clock");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.history = Objects.requireNonNull(history, "history");
        this.feedback = Objects.requireNonNull(feedback, "feedback");
        this.room = Objects.requireNonNull(room, "room");
        this.onResident = Objects.requireNonNull(onResident, "onResident");
        this.afterPrefetch = Objects.requireNonNull(afterPrefetch, "afterPrefetch");
    }

    void useJournal(PrefetchJournal j) {
        journal = j;
    }

    /** One fetch from its start to its record. */
    private final class Tracked {
        final long recordId = recordIds.incrementAndGet();
        final LayerId id;
        final String functionId;
        final FetchPriority priority;
        final double score;
        final long bytes;
        long startedMillis = clock.getAsLong();
        long t0 = System.nanoTime();

        Tracked(LayerId id, String functionId, FetchPriority priority, double score, long bytes) {
            this.id = id;
            this.functionId = functionId;
            this.priority = priority;
            this.score = score;
            this.bytes = bytes;
        }

        /** A queued prefetch's record, and its in-flight entry, count from when the worker runs it. */
        void running() {
            startedMillis = clock.getAsLong();
            t0 = System.nanoTime();
            inFlight.running(recordId, startedMillis, t0);
        }

        /** Into the in-flight list, running now. */
        Tracked start() {
            return start(false);
        }

        /** Into the in-flight list, {@code queued} for a worker (then {@link #running()}) or running now. */
        Tracked start(boolean queued) {
            inFlight.started(recordId, id, functionId, priority, score, startedMillis, t0, bytes, queued);
            return this;
        }

        /** Ends the fetch: out of the in-flight list, recorded (detail {@code okDetail} or the failure's message). */
        void end(Throwable e, String okDetail) {
            inFlight.finished(recordId);
            history.add(new PrefetchRecord(recordId, id, functionId, priority, score, startedMillis,
                    (System.nanoTime() - t0) / 1000, e == null, bytes, e == null ? okDetail : RootComposer.message(e)));
        }
    }

    /**
     * The invocation path's prefetches: the parameter-selected ({@code optional}) layers at or above the threshold
     * first, then the {@code ranked} candidates, at most {@code maxPrefetchesPerInvocation} and within the concurrency
     * limit. {@code predicted} (when not null) is told every optional layer at or above the threshold. Never blocks.
     */
    List<LayerId> startPrefetches(String functionId, Map<LayerId, Double> optional, List<PrefetchPlanner.Planned> ranked,
                                  SwapSettings s, ExperimentArm arm, Consumer<LayerId> predicted) {
        List<LayerId> started = List.of();
        int left = s.maxPrefetchesPerInvocation();
        for (Map.Entry<LayerId, Double> e : optional.entrySet()) {
            if (predicted != null && e.getValue() >= s.threshold()) {
                predicted.accept(e.getKey());
            }
            if (left > 0 && e.getValue() >= s.threshold()
                    && tryStartPrefetch(e.getKey(), functionId, e.getValue(), s.maxConcurrentPrefetches(), arm)) {
                started = add(started, e.getKey(), 4);
                left--;
            }
        }
        for (int i = 0; i < ranked.size() && left > 0 && prefetchesRunning.get() < s.maxConcurrentPrefetches(); i++) {
            PrefetchPlanner.Planned p = ranked.get(i);
            if (tryStartPrefetch(p.id(), functionId, p.score(), s.maxConcurrentPrefetches(), arm)) {
                started = add(started, p.id(), 4);
                left--;
            }
        }
        return started;
    }

    /** Prefetches {@code layers} as certain (score 1), within the concurrency limit; returns those started. */
    List<LayerId> prefetchAll(String functionId, List<LayerId> layers, int maxConcurrent) {
        List<LayerId> started = new ArrayList<>();
        for (LayerId id : layers) {
            if (tryStartPrefetch(id, functionId, 1.0, maxConcurrent, ExperimentArm.NONE)) {
                started.add(id);
            }
        }
        return started;
    }

    /** Completes when the plan's missing layers are resident (joining or starting their on-demand fetches). */
    CompletableFuture<Void> awaitMissing(InvocationPlan plan) {
        List<CompletableFuture<Path>> fs = new ArrayList<>();
        for (LayerId l : plan.missing()) {
            if (!store.isResident(l)) {
                fs.add(fetchOnDemand(plan.functionId(), l, plan.arm()));
            }
        }
        return CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0]));
    }

    /**
     * Waits at most {@code timeoutMillis} for the plan's missing layers and holds them (store leases from
     * {@code fetchAndAcquire}) until the caller closes the result: a layer fetched for the invocation is held from the
     * moment it is resident, so no other fetch's room-making evicts it before the root composed over it pins it. The
     * store fetches are the ones the plan started (shared); a layer not resident any more is fetched again on demand
     * (recorded). A timeout or failed fetch is an IOException, and then nothing stays pinned.
     */
    HeldLayers holdMissing(InvocationPlan plan, long timeoutMillis) throws IOException {
        List<CompletableFuture<LayerLease>> calls = new ArrayList<>(plan.missing().size());
        try {
            for (LayerId l : plan.missing()) {
                LayerRef ref = catalog.source(l);
                if (ref == null) { // fails naming the unknown repository (unless resident: then just pinned)
                    calls.add(fetchOnDemand(plan.functionId(), l, plan.arm()).thenApply(p -> store.acquire(l)));
                    continue;
                }
                if (!store.isResident(l)) {
                    fetchOnDemand(plan.functionId(), l, plan.arm()); // the tracked fetch (joined when running)
                }
                calls.add(store.fetchAndAcquire(ref.repository(), ref.descriptor(), FetchPriority.ON_DEMAND));
            }
            return HeldLayers.await(calls, timeoutMillis);
        } catch (TimeoutException e) {
            throw new IOException("layers of " + plan.functionId() + " not resident within " + timeoutMillis + " ms: " + plan.missing());
        } catch (ExecutionException e) {
            throw new IOException("fetching layers of " + plan.functionId() + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for layers of " + plan.functionId(), e);
        } catch (RuntimeException e) {
            HeldLayers.release(calls);
            throw e;
        }
    }

    /** Adds to a list that may be the immutable empty one by replacing it (no allocation where nothing is added). */
    static List<LayerId> add(List<LayerId> list, LayerId id, int capacity) {
        List<LayerId> l = list.isEmpty() ? new ArrayList<>(capacity) : list;
        l.add(id);
        return l;
    }

    /** Claims a prefetch slot and hands the fetch to the worker; never blocks. False when not started. */
    boolean tryStartPrefetch(LayerId id, String functionId, double score, int maxConcurrent, ExperimentArm arm) {
        if (prefetching.containsKey(id) || onDemand.containsKey(id) || store.isResident(id)) {
            return false;
        }
        LayerRef ref = catalog.source(id);
        if (ref == null) {
            return false;
        }
        if (prefetchesRunning.incrementAndGet() > maxConcurrent) {
            prefetchesRunning.decrementAndGet();
            return false;
        }
        CompletableFuture<Path> done = new CompletableFuture<>();
        if (prefetching.putIfAbsent(id, done) != null) {
            prefetchesRunning.decrementAndGet();
            return false;
        }
        Tracked t = new Tracked(id, functionId, FetchPriority.PREFETCH, score, ref.descriptor().sizeBytes()).start(true);
        try {
            worker.execute(() -> runPrefetch(t, ref, done, arm));
        } catch (RejectedExecutionException e) {
            inFlight.finished(t.recordId);
            prefetching.remove(id, done);
            prefetchesRunning.decrementAndGet();
            return false;
        }
        return true;
    }

    private void runPrefetch(Tracked t, LayerRef ref, CompletableFuture<Path> done, ExperimentArm arm) {
        t.running();
        CompletableFuture<Path> f;
        try {
            String noRoom = room.makeRoom(t.id, t.bytes, t.score);
            if (noRoom != null) {
                finishPrefetch(t, null, new IllegalStateException(noRoom), done, arm);
                return;
            }
            PrefetchJournal j = journal;
            if (j != null) {
                j.started(t.id, t.functionId, t.score);
            }
            f = store.fetch(ref.repository(), ref.descriptor(), FetchPriority.PREFETCH);
        } catch (RuntimeException e) {
            finishPrefetch(t, null, e, done, arm);
            return;
        }
        f.whenComplete((p, e) -> finishPrefetch(t, p, e, done, arm));
    }

    private void finishPrefetch(Tracked t, Path p, Throwable e, CompletableFuture<Path> done, ExperimentArm arm) {
        prefetching.remove(t.id, done);
        prefetchesRunning.decrementAndGet();
        PrefetchJournal j = journal;
        if (j != null) {
            j.finished(t.id);
        }
        t.end(e, "");
        if (e == null) {
            reportFetch(t, arm);
            done.complete(p);
            onResident.accept(t.id);
        } else {
            done.completeExceptionally(e);
        }
        afterPrefetch.run();
    }

    /** Fetches a missing layer of an invocation at ON_DEMAND priority, or joins the fetch already running. */
    CompletableFuture<Path> fetchOnDemand(String functionId, LayerId id, ExperimentArm arm) {
        CompletableFuture<Path> existing = onDemand.get(id);
        if (existing != null) {
            return existing;
        }
        LayerRef ref = catalog.source(id);
        if (ref == null) {
            IllegalStateException e = new IllegalStateException("layer " + id + " of function " + functionId
                    + " is not resident and its repository is unknown (define the function first)");
            history.add(new PrefetchRecord(recordIds.incrementAndGet(), id, functionId, FetchPriority.ON_DEMAND, Double.NaN,
                    clock.getAsLong(), 0, false, 0, e.getMessage()));
            return CompletableFuture.failedFuture(e);
        }
        Tracked t = new Tracked(id, functionId, FetchPriority.ON_DEMAND, Double.NaN, ref.descriptor().sizeBytes());
        CompletableFuture<Path> f;
        try {
            f = store.fetch(ref.repository(), ref.descriptor(), FetchPriority.ON_DEMAND);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Path> prev = onDemand.putIfAbsent(id, f);
        if (prev != null) {
            return prev;
        }
        CompletableFuture<Path> mine = f;
        t.start();
        f.whenComplete((p, e) -> {
            onDemand.remove(id, mine);
            t.end(e, "");
            if (e == null) {
                reportFetch(t, arm);
                onResident.accept(id);
            }
        });
        return f;
    }

    /** Fetches a layer a staged swap waits for (PREFETCH priority, outside the prefetch limit). */
    void fetchStaged(String functionId, LayerId layer) {
        LayerRef ref = catalog.source(layer);
        if (ref == null) {
            throw new IllegalArgumentException("cannot stage layer " + layer + " for " + functionId + ": unknown repository");
        }
        Tracked t = new Tracked(layer, functionId, FetchPriority.PREFETCH, 1.0, ref.descriptor().sizeBytes()).start();
        store.fetch(ref.repository(), ref.descriptor(), FetchPriority.PREFETCH).whenComplete((p, e) -> {
            t.end(e, "staged swap");
            if (e == null) {
                onResident.accept(layer);
            }
        });
    }

    /** Tells the feedback loop (when bound) what bytes were transferred on behalf of which arm. */
    private void reportFetch(Tracked t, ExperimentArm arm) {
        FeedbackLoop fb = feedback.get();
        if (fb != null) {
            try {
                fb.recordFetch(t.functionId, arm, t.priority, t.bytes, clock.getAsLong());
            } catch (RuntimeException e) {
                LOG.warn("feedback loop recordFetch failed: {}", e.toString());
            }
        }
    }

    boolean isFetching(LayerId id) {
        return prefetching.containsKey(id) || onDemand.containsKey(id);
    }

    int prefetchesRunning() {
        return prefetchesRunning.get();
    }

    /** Fetches started and not finished, oldest first. */
    List<PrefetchRecord> inFlight() {
        return inFlight.snapshot();
    }
}
