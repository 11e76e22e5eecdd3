package org.layerswap.containerd.learning;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What learning made of containerd's events: every envelope received is {@code seen}; one that became an invocation
 * (a task start of a known container) or taught an image is {@code mapped}; one that could not be used (a payload that
 * does not decode, a task start whose container is unknown or gone, a start that is not in the learned topics) is
 * {@code dropped}. Task exits and container creates are seen only (they carry nothing to learn on their own).
 * Thread-safe.
 */
public final class EventCounters {

    /** The counters at one moment. */
    public record Counts(long seen, long mapped, long dropped) {
    }

    private final AtomicLong seen = new AtomicLong();
    private final AtomicLong mapped = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    void seen() {
        seen.incrementAndGet();
    }

    void mapped() {
        mapped.incrementAndGet();
    }

    void dropped() {
        dropped.incrementAndGet();
    }

    public Counts counts() {
        return new Counts(seen.get(), mapped.get(), dropped.get());
    }
}
