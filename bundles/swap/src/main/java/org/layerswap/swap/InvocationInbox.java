package org.layerswap.swap;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.layerswap.api.LayerId;

/**
 * The invocations waiting for the live next-use planner's thread: {@code handleInvocation} offers one per call (an
 * O(1), lock-free enqueue), the planner drains them. Bounded: at most {@link #capacity} wait; an offer beyond that is
 * refused and counted, so a planner that cannot keep up or keeps failing costs learning samples, never memory.
 *
 * <p>Invariant: {@code queued} equals the number of entries in the queue once every offer and poll returned.
 */
final class InvocationInbox {

    /**
     * One invocation: its function, when, the profiler's data-layer probabilities for its parameters
     * ({@code optional}, empty when none), and the data layers its parameters selected ({@code selected}).
     */
    record Invoked(String functionId, long atMillis, Map<LayerId, Double> optional, List<LayerId> selected) {
    }

    private final int capacity;
    private final ConcurrentLinkedQueue<Invoked> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();

    InvocationInbox(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("invocation inbox capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Queues {@code i}; false (and counted) when {@link #capacity} invocations already wait. */
    boolean offer(Invoked i) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.increment();
            return false;
        }
        queue.add(i);
        return true;
    }

    /** The oldest waiting invocation, or null. */
    Invoked poll() {
        Invoked i = queue.poll();
        if (i != null) {
            queued.decrementAndGet();
        }
        return i;
    }

    /** Drops every waiting invocation (the planning was switched off). */
    void clear() {
        while (poll() != null) {
            // drained
        }
    }

    int queued() {
        return queued.get();
    }

    long dropped() {
        return dropped.sum();
    }

    int capacity() {
        return capacity;
    }
}
