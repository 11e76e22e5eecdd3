package org.layerswap.swap;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The newest records of one kind, newest first, at most {@code capacity} (read at every add, so a settings change
 * applies at the next record). Each added record is also handed to {@code sink} (listeners), outside the lock.
 */
final class BoundedHistory<T> {

    private final Deque<T> records = new ArrayDeque<>();
    private final IntSupplier capacity;
    private final Consumer<T> sink;

    BoundedHistory(IntSupplier capacity, Consumer<T> sink) {
        this.capacity = Objects.requireNonNull(capacity, "capacity");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Adds {@code r} as the newest record, drops the oldest beyond the capacity, then tells the sink; returns {@code r}. */
    T add(T r) {
        synchronized (records) {
            records.addFirst(r);
            while (records.size() > Math.max(0, capacity.getAsInt())) {
                records.removeLast();
            }
        }
        sink.accept(r);
        return r;
    }

    /** At most {@code limit} records, newest first (none for a negative limit). */
    List<T> newest(int limit) {
        synchronized (records) {
            return records.stream().limit(Math.max(0, limit)).toList();
        }
    }
}
