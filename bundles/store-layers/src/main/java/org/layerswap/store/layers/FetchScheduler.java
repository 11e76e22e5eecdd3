package org.layerswap.store.layers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetch queue of the layer store, served by a fixed set of worker threads.
 *
 * <p>Order: ON_DEMAND before PREFETCH; prefetches by the score their layer had when (re-)queued,
 * highest first; then first come, first served. Concurrent requests for one layer share one
 * {@link Task} (at most one per layer is queued or running); an ON_DEMAND request for a layer whose
 * PREFETCH is queued moves it up, one for a running PREFETCH stops its throttling and makes it
 * unpreemptible. When an ON_DEMAND task is queued and no worker is idle, the lowest-scored running
 * PREFETCH is asked to pause ({@link BlobDownloader.Download#preempt}); its job then returns null and
 * the task goes back into the queue, to resume later. Every caller gets its own future: cancelling it
 * does not cancel the shared fetch.
 */
final class FetchScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FetchScheduler.class);

    /** Makes a layer resident; returns its directory, or null when paused (the task is re-queued). */
    interface Job {
        Path run(Task t) throws Exception;
    }

    /** One queued or running fetch of one layer. */
    final class Task extends BlobDownloader.Download implements Comparable<Task> {
        final CompletableFuture<Path> future = new CompletableFuture<>();
        /** Score when (re-)queued: the queue's order must not change while a task sits in it. */
        volatile double queuedScore;

        Task(String repository, LayerDescriptor layer, FetchPriority priority, long seq) {
            super(repository, layer, priority, seq);
            this.queuedScore = score.applyAsDouble(layer.id());
        }

        @Override
        public int compareTo(Task o) {
            int c = priority.compareTo(o.priority); // ON_DEMAND first
            if (c != 0) {
                return c;
            }
            if (priority == FetchPriority.PREFETCH) {
                c = Double.compare(o.queuedScore, queuedScore); // higher score first
                if (c != 0) {
                    return c;
                }
            }
            return Long.compare(seq, o.seq);
        }
    }

    private final String sourceName;
    private final ToDoubleFunction<LayerId> score;
    private final Function<LayerId, Path> resident;
    private final Job job;

    /** Guards {@link #inflight} and the queue's membership together. */
    private final Object lock = new Object();
    private final Map<LayerId, Task> inflight = new ConcurrentHashMap<>();
    private final PriorityBlockingQueue<Task> queue = new PriorityBlockingQueue<>();
    private final List<Task> running = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicInteger idle = new AtomicInteger();
    private volatile boolean closed;

    /**
     * Starts {@code workers} threads.
     *
     * @param sourceName names the layer source in error messages
     * @param score      prediction score of a layer (never throws, never NaN)
     * @param resident   the directory of a resident layer, or null: checked under the lock before a
     *                   task is created, so a layer that became resident is not fetched again
     * @param job        runs a task on a worker thread
     */
    FetchScheduler(int workers, String sourceName, ToDoubleFunction<LayerId> score, Function<LayerId, Path> resident, Job job) {
        this.sourceName = sourceName;
        this.score = score;
        this.resident = resident;
        this.job = job;
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::workLoop, "layerswap-store-" + i);
            t.setDaemon(true);
            this.workers.add(t);
            t.start();
        }
    }

    /** Queues a fetch of {@code layer}, or joins the one queued or running; the caller's own future. */
    CompletableFuture<Path> submit(String repository, LayerDescriptor layer, FetchPriority priority) {
        LayerId id = layer.id();
        Task t;
        boolean preemptNeeded = false;
        synchronized (lock) {
            Path p = resident.apply(id);
            if (p != null) {
                return CompletableFuture.completedFuture(p);
            }
            t = inflight.get(id);
            if (t == null) {
                t = new Task(repository, layer, priority, seq.incrementAndGet());
                inflight.put(id, t);
                queue.add(t);
                preemptNeeded = priority == FetchPriority.ON_DEMAND;
            } else if (priority == FetchPriority.ON_DEMAND && t.priority == FetchPriority.PREFETCH) {
                // upgrade: re-sort if queued; if running it stops being throttled or preemptible
                boolean wasQueued = queue.remove(t);
                t.priority = FetchPriority.ON_DEMAND;
                t.preempt.set(false);
                if (wasQueued) {
                    queue.add(t);
                    preemptNeeded = true;
                }
            }
        }
        if (preemptNeeded) {
            maybePreempt();
        }
        // callers get their own future: cancelling it must not cancel the shared download
        return t.future.thenApply(p -> p);
    }

    /** Tasks waiting for a worker. */
    int queued() {
        return queue.size();
    }

    boolean isClosed() {
        return closed;
    }

    /** Stops the workers (a running job sees {@link #isClosed} or an interrupt) and fails every fetch not finished. */
    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) {
            t.interrupt();
        }
        for (Thread t : workers) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Task t : inflight.values()) {
            t.future.completeExceptionally(new IllegalStateException("layer store closed before layer " + t.layer.id() + " was fetched"));
        }
        inflight.clear();
        queue.clear();
    }

    private void workLoop() {
        while (!closed) {
            Task t;
            try {
                idle.incrementAndGet();
                try {
                    t = queue.take();
                } finally {
                    idle.decrementAndGet();
                }
            } catch (InterruptedException e) {
                return;
            }
            synchronized (running) {
                running.add(t);
            }
            try {
                run(t);
            } finally {
                synchronized (running) {
                    running.remove(t);
                }
            }
        }
    }

    /** An on-demand fetch waits and no worker is idle: pause one running prefetch (the lowest scored). */
    private void maybePreempt() {
        if (idle.get() > 0) {
            return;
        }
        synchronized (running) {
            Task victim = null;
            for (Task r : running) {
                if (r.priority == FetchPriority.PREFETCH && !r.preempt.get()
                        && (victim == null || score.applyAsDouble(r.layer.id()) < score.applyAsDouble(victim.layer.id()))) {
                    victim = r;
                }
            }
            if (victim != null) {
                victim.preempt.set(true);
            }
        }
    }

    private void run(Task t) {
        LayerId id = t.layer.id();
        try {
            Path path = job.run(t);
            if (path == null) { // paused for an on-demand fetch: back in the queue, resumes later
                synchronized (lock) {
                    t.queuedScore = score.applyAsDouble(id);
                    queue.add(t); // keeps the partial file and digest state; resumes with Range later
                }
                return;
            }
            synchronized (lock) {
                inflight.remove(id);
            }
            t.future.complete(path);
        } catch (Throwable ex) {
            synchronized (lock) {
                inflight.remove(id);
            }
            if (ex instanceof InterruptedException || closed) {
                // the store stops: the partial blob stays in tmp/, kept by the next start for a Range resume
                Thread.currentThread().interrupt();
            } else {
                t.discardPartial();
            }
            LOG.warn("fetch of layer {} failed: {}", id, ex.getMessage());
            t.future.completeExceptionally(ex instanceof LayerFetchException ? ex
                    : new LayerFetchException("layer " + id + " from " + sourceName + " repository " + t.repository + ": " + ex.getMessage(), ex));
        }
    }
}
