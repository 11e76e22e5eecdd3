package org.layerswap.fs.common;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.layerswap.fs.common.GenerationalBackend.Generation;
import org.slf4j.Logger;

/**
 * Tears down a {@link GenerationalBackend}'s retired generations, split from it: a retired generation goes (the
 * backend's teardown, then its directory) once no lease holds it and its grace period has passed; a removed
 * function's directory goes once nothing of it is left ({@link FunctionState#isDisposable}). One background thread
 * reaps at the earliest time something falls due: on retirement, when the last lease of a retired generation closes,
 * and again for what is not due yet.
 *
 * <p>Invariants: reaps are serialised ({@code reapLock}), so a generation is torn down once; one whose teardown failed
 * goes back on its function's retired list and is retried by the next reap; a function leaves the shared map only
 * under its own monitor, disposable, and only the state object that is in the map ({@code deleted} then tells a
 * concurrent compose to start over); nothing is scheduled once the backend is closed.
 */
final class GenerationReaper {

    /** The backend's teardown of a generation (unmount, ...); its directory is deleted afterwards. */
    @FunctionalInterface
    interface Teardown {
        void teardown(Generation g) throws IOException;
    }

    private final Map<String, FunctionState> functions;
    private final long graceNanos;
    private final LongSupplier nanoTime;
    private final Teardown teardown;
    private final BooleanSupplier closed;
    private final Supplier<String> backendName;
    private final Logger log;
    private final ScheduledExecutorService thread;
    private final Object reapLock = new Object();
    private final AtomicLong destroyed = new AtomicLong();

    /**
     * @param functions   the backend's functions (shared: a disposable function is removed from it here)
     * @param threadName  the reaper thread's name (a daemon)
     * @param closed      whether the backend is closed (then nothing is scheduled)
     * @param backendName for log messages
     */
    GenerationReaper(Map<String, FunctionState> functions, long graceNanos, LongSupplier nanoTime, Teardown teardown,
                     BooleanSupplier closed, Supplier<String> backendName, Logger log, String threadName) {
        this.functions = Objects.requireNonNull(functions, "functions");
        this.graceNanos = graceNanos;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.teardown = Objects.requireNonNull(teardown, "teardown");
        this.closed = Objects.requireNonNull(closed, "closed");
        this.backendName = Objects.requireNonNull(backendName, "backendName");
        this.log = Objects.requireNonNull(log, "log");
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** {@code g} is no longer current: retire it and reap once its grace period is over. Caller holds {@code g.fn}. */
    void retire(Generation g) {
        g.fn.retire(g, nanoTime.getAsLong());
        scheduleReap(graceNanos);
    }

    /** The last lease of a retired generation closed: tear it down once its grace period is over. */
    void lastLeaseClosed(Generation g) {
        long age = nanoTime.getAsLong() - g.retiredAtNanos;
        scheduleReap(Math.max(0, graceNanos - age));
    }

    /** Reaps every function now; {@code ignoreGrace}: also the generations still within their grace period. */
    void reapAll(boolean ignoreGrace) {
        for (FunctionState st : functions.values()) {
            reapFunction(st, ignoreGrace);
        }
    }

    /** Tears down what of {@code st} is due, schedules the rest, and drops {@code st} when it is disposable. */
    void reapFunction(FunctionState st, boolean ignoreGrace) {
        synchronized (reapLock) {
            FunctionState.Due due = st.takeDue(nanoTime.getAsLong(), graceNanos, ignoreGrace);
            for (Generation g : due.generations()) {
                if (!destroyQuietly(g)) {
                    synchronized (st) {
                        st.retired.add(g); // retried by the next reap
                    }
                }
            }
            if (due.soonestNanos() != Long.MAX_VALUE) {
                scheduleReap(due.soonestNanos());
            }
            functions.computeIfPresent(st.id, (id, s) -> {
                if (s != st) {
                    return s;
                }
                synchronized (st) {
                    if (!st.isDisposable()) {
                        return s;
                    }
                    try {
                        Files.deleteIfExists(st.dir.resolve(GenerationLayout.CURRENT));
                        Files.deleteIfExists(st.dir.resolve(GenerationLayout.TMP));
                        Trees.deleteTree(st.dir);
                    } catch (IOException e) {
                        log.warn("{} backend: cannot delete the directory of removed function {}: {}",
                                backendName.get(), id, e.toString());
                    }
                    st.deleted = true;
                    return null;
                }
            });
        }
    }

    /** Tears {@code g} down and deletes its directory; false (logged) when that failed. */
    boolean destroyQuietly(Generation g) {
        try {
            teardown.teardown(g);
            Trees.deleteTree(g.dir);
            destroyed.incrementAndGet();
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn("{} backend: cannot tear down generation {} of function {}: {}", backendName.get(), g.number,
                    g.fn.id, e.toString());
            return false;
        }
    }

    /** Generations torn down so far. */
    long destroyed() {
        return destroyed.get();
    }

    /** Stops the thread; reaps scheduled and not run yet are dropped. */
    void shutdown() {
        thread.shutdownNow();
    }

    private void scheduleReap(long delayNanos) {
        if (closed.getAsBoolean()) {
            return;
        }
        try {
            thread.schedule(() -> reapAll(false), delayNanos + TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }
}
