package org.layerswap.profiler.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.layerswap.api.PredictionScore;
import org.layerswap.api.ScoreListener;

/**
 * Tells {@link ScoreListener}s which layer scores moved, off the ingest path and coalesced.
 *
 * <p><b>Protocol.</b> Under the engine lock the scoring code calls {@link #markChanged} for every layer
 * it touched and, once per operation, {@link #markedDirty()}; after releasing the lock it passes that
 * answer to {@link #deliverLater}. {@link #deliver()} runs on the executor and takes the engine lock only
 * to drain the changes; listeners are called outside it.
 *
 * <p><b>Invariants</b> (under the engine lock): a layer is in the dirty list at most once, exactly when
 * its {@code dirty} flag is set; it gets there only while someone listens and when its score moved at
 * least the notify threshold since it was last notified; a function is in {@code observed} at most once, when
 * an invocation of it was recorded since the last delivery while someone listens; at most one delivery is
 * pending, and it carries every dirty layer and observed function at the time it runs.
 */
final class ScoreNotifier {

    private final Object lock;
    private final Executor executor;
    /** Called under the lock for each delivered layer; the owner drops layers no function references. */
    private final Consumer<LayerState> delivered;
    private final CopyOnWriteArrayList<ScoreListener> listeners = new CopyOnWriteArrayList<>();
    private final ArrayList<LayerState> dirty = new ArrayList<>();
    /** Functions recorded since the last delivery (their next use moved); bounded by the tracked functions. */
    private final HashSet<String> observed = new HashSet<>();
    private final AtomicLong errors = new AtomicLong();
    private double threshold;
    private boolean deliveryPending;

    /**
     * @param lock      the engine lock, guarding the layer states and this notifier's state
     * @param executor  runs deliveries: a background thread live, {@code Runnable::run} for synchronous
     *                  delivery right after the triggering call
     * @param delivered called under the lock for each layer just delivered
     * @param threshold a layer is reported when its score moved at least this much
     */
    ScoreNotifier(Object lock, Executor executor, Consumer<LayerState> delivered, double threshold) {
        this.lock = lock;
        this.executor = Objects.requireNonNull(executor, "notifier");
        this.delivered = delivered;
        this.threshold = threshold;
    }

    AutoCloseable subscribe(ScoreListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Under the lock. */
    void setThreshold(double threshold) {
        this.threshold = threshold;
    }

    /** Under the lock: adds {@code l} to the next delivery when it moved enough; true when it was added. */
    boolean markChanged(LayerState l) {
        if (!l.dirty && !listeners.isEmpty() && Math.abs(l.score - l.notified) >= threshold) {
            l.dirty = true;
            dirty.add(l);
            return true;
        }
        return false;
    }

    /** Under the lock: an invocation of {@code functionId} was recorded; true when it was added to the next delivery. */
    boolean markObserved(String functionId) {
        return !listeners.isEmpty() && observed.add(functionId);
    }

    /** Under the lock: true when a delivery must now be scheduled (changes waiting, none pending yet). */
    boolean markedDirty() {
        if (deliveryPending || (dirty.isEmpty() && observed.isEmpty())) {
            return false;
        }
        deliveryPending = true;
        return true;
    }

    /** Outside the lock: schedules a delivery when {@code schedule} (a {@link #markedDirty()} answer). */
    void deliverLater(boolean schedule) {
        if (schedule) {
            try {
                executor.execute(this::deliver);
            } catch (RuntimeException e) {
                // executor shut down: drop this delivery, keep the layers dirty for the next one
                synchronized (lock) {
                    deliveryPending = false;
                }
                errors.incrementAndGet();
            }
        }
    }

    /** Delivers every pending change to the listeners (normally run by the executor). */
    void deliver() {
        List<PredictionScore> changed;
        Set<String> functions = Set.of();
        synchronized (lock) {
            deliveryPending = false;
            if (!observed.isEmpty()) {
                functions = Collections.unmodifiableSet(new HashSet<>(observed));
                observed.clear();
            }
            if (dirty.isEmpty() && functions.isEmpty()) {
                return;
            }
            changed = new ArrayList<>(dirty.size());
            for (LayerState l : dirty) {
                l.dirty = false;
                l.notified = l.score;
                changed.add(new PredictionScore(l.id, l.score, l.time));
                delivered.accept(l);
            }
            dirty.clear();
        }
        List<PredictionScore> view = Collections.unmodifiableList(changed);
        for (ScoreListener listener : listeners) {
            try {
                if (!view.isEmpty()) {
                    listener.scoresChanged(view);
                }
                if (!functions.isEmpty()) {
                    listener.functionsObserved(functions);
                }
            } catch (RuntimeException e) {
                errors.incrementAndGet();
            }
        }
    }

    /** Listener failures and dropped deliveries so far. */
    long errors() {
        return errors.get();
    }
}
