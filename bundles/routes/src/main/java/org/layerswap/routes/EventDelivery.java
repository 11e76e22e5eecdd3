package org.layerswap.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.InvocationEvent;
import org.layerswap.persistence.api.InvocationRow;
import org.layerswap.persistence.api.PersistenceService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events queue's consumer side, plain Java: batches of events go to {@link BehavioralProfiler#recordBatch} as they
 * were handed over (one HTTP request's or one file's chunk, one Kafka record), without waiting for the profiler's
 * acceptance before taking the next batch; when a batch's acceptance completes its events are persisted (accepted) or
 * dead-lettered (failed), and only then counted as settled ({@link DeliveryWatermark}). A single-node profiler accepts
 * before {@code recordBatch} returns, so there the queue behaves as when each event was recorded in turn; a cluster's
 * profiler accepts when the owners and their backups hold the batch, and several batches are then in flight at once.
 *
 * <p>Invariant: at most {@code capacity} events are queued or in flight ({@link #reserve} blocks the producer for room,
 * settling gives it back), the bound the queue had when it counted events one by one.
 */
final class EventDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(EventDelivery.class);

    /** Events handed to the queue together, and the tally (of an HTTP request or a file) told of their failure; or null. */
    record Batch(List<InvocationEvent> events, Failures failures) {
        Batch {
            if (events.isEmpty()) {
                throw new IllegalArgumentException("an empty batch of events");
            }
        }
    }

    /** Counts the events of one source whose acceptance failed. */
    static final class Failures {
        private final AtomicLong count = new AtomicLong();

        long count() {
            return count.get();
        }
    }

    /**
     * The accepted events of one file or HTTP request, handed to the queue in batches of at most {@code size} (and the
     * rest by {@link #flush}); counts the failures of all of them. Used by one thread at a time.
     */
    static final class Chunk {
        private final List<InvocationEvent> events = new ArrayList<>();
        private final Failures failures = new Failures();
        private final int size;

        Chunk(int size) {
            this.size = size;
        }

        void add(InvocationEvent e, Consumer<Batch> queue) {
            events.add(e);
            if (events.size() >= size) {
                flush(queue);
            }
        }

        void flush(Consumer<Batch> queue) {
            if (!events.isEmpty()) {
                Batch b = new Batch(List.copyOf(events), failures);
                events.clear();
                queue.accept(b);
            }
        }

        /** Events of this chunk the profiler did not accept. */
        long failures() {
            return failures.count();
        }
    }

    /** Where a failed event goes (the routes' dead-letter channel). */
    interface DeadLetters {
        void deadLetter(String source, long position, String raw, String reason);
    }

    private final BehavioralProfiler profiler;
    private final IngestCounters counters;
    private final Supplier<PersistenceService> persistence;
    private final DeadLetters deadLetters;
    private final int capacity;
    private final Semaphore room;
    private final DeliveryWatermark watermark;

    EventDelivery(BehavioralProfiler profiler, IngestCounters counters, Supplier<PersistenceService> persistence,
                  DeadLetters deadLetters, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1 event, got " + capacity);
        }
        this.profiler = Objects.requireNonNull(profiler, "profiler");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.persistence = Objects.requireNonNull(persistence, "persistence");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.capacity = capacity;
        this.room = new Semaphore(capacity);
        this.watermark = new DeliveryWatermark(counters.consumed);
    }

    /** A chunk of batches that always fit the queue: at most {@code maxBatch} events each. */
    Chunk chunk(int maxBatch) {
        return new Chunk(Math.min(maxBatch, capacity));
    }

    /** Blocks until {@code n} more events may be queued, then counts them as enqueued. */
    void reserve(int n) {
        if (n < 1 || n > capacity) {
            throw new IllegalArgumentException("a batch of " + n + " events does not fit a queue of " + capacity);
        }
        room.acquireUninterruptibly(n);
        counters.enqueued.addAndGet(n);
    }

    /** Waits until the first {@code target} events taken are settled; false at {@code deadlineNanos} or on interrupt. */
    boolean awaitSettled(long target, long deadlineNanos) {
        while (watermark.prefix() < target) {
            if (System.nanoTime() - deadlineNanos > 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    /** The consumer: hands {@code batch} over and returns; its events settle when the profiler's acceptance completes. */
    void deliver(Batch batch) {
        int n = batch.events().size();
        long position = watermark.begin(n);
        CompletionStage<Void> accepted;
        try {
            accepted = profiler.recordBatch(batch.events());
        } catch (RuntimeException | LinkageError e) { // settled as failed all the same: no waiter hangs on it
            accepted = CompletableFuture.failedFuture(e);
        }
        accepted.whenComplete((ok, failure) -> settle(batch, position, failure));
    }

    private void settle(Batch batch, long position, Throwable failure) {
        List<InvocationEvent> events = batch.events();
        try {
            if (failure == null) {
                PersistenceService p = persistence.get();
                for (InvocationEvent e : events) {
                    if (p != null && !p.recordInvocation(InvocationRow.of(e))) {
                        counters.persistDropped.increment();
                    }
                }
                counters.delivered.add(events.size());
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                counters.deliveryFailed.add(events.size());
                if (batch.failures() != null) {
                    batch.failures().count.addAndGet(events.size());
                }
                LOG.warn("could not deliver a batch of {} events (not acknowledged): {}", events.size(), cause.toString());
                for (InvocationEvent e : events) {
                    deadLetters.deadLetter("events", -1, String.valueOf(e), "delivery failed: " + cause);
                }
            }
        } finally {
            watermark.settled(position, events.size());
            room.release(events.size());
        }
    }
}
