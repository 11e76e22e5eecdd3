package org.layerswap.predictor.encog;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Labels training samples from the marks (function, time) of later events and keeps the newest labelled
 * ones in a ring buffer.
 *
 * <p>A sample taken at t for window w is positive when a mark of its function falls in (t, t+w]; it is
 * labelled (and becomes trainable) once a mark of any function is later than t+w, so a label never uses
 * information beyond the trace time at which it was made. Samples of a different window than the buffer's
 * empty it first: labels for another window do not apply. Not thread-safe: one trainer owns it.
 */
final class SampleBuffer {

    /** The labelled samples, oldest first. */
    record Labelled(double[][] xs, double[] ys, long window) {
    }

    private static final class Pending {
        final String function;
        final long time;
        final long window;
        final double[] x;
        boolean positive;

        Pending(String function, long time, long window, double[] x) {
            this.function = function;
            this.time = time;
            this.window = window;
            this.x = x;
        }
    }

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Map<String, ArrayDeque<Pending>> pendingByFunction = new HashMap<>();
    private final double[][] xs;
    private final double[] ys;
    private long latest = Long.MIN_VALUE;
    private long window = -1;
    private int size;
    private int head;
    private long labelled;

    SampleBuffer(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("sample capacity must be > 0, got " + capacity);
        }
        xs = new double[capacity][];
        ys = new double[capacity];
    }

    void add(String function, long time, long windowMillis, double[] x) {
        Pending p = new Pending(function, time, windowMillis, x);
        pending.addLast(p);
        pendingByFunction.computeIfAbsent(function, k -> new ArrayDeque<>()).addLast(p);
    }

    void mark(String function, long time) {
        if (time > latest) {
            latest = time;
        }
        ArrayDeque<Pending> mine = pendingByFunction.get(function);
        if (mine != null) {
            for (Pending p : mine) {
                if (p.time < time && time <= p.time + p.window) {
                    p.positive = true;
                }
            }
        }
        while (!pending.isEmpty() && pending.peekFirst().time + pending.peekFirst().window < latest) {
            Pending done = pending.pollFirst();
            ArrayDeque<Pending> d = pendingByFunction.get(done.function);
            d.remove(done);
            if (d.isEmpty()) {
                pendingByFunction.remove(done.function);
            }
            store(done);
        }
    }

    private void store(Pending p) {
        if (p.window != window) {
            size = 0;
            head = 0;
            window = p.window;
        }
        xs[head] = p.x;
        ys[head] = p.positive ? 1.0 : 0.0;
        head = (head + 1) % xs.length;
        size = Math.min(size + 1, xs.length);
        labelled++;
    }

    int size() {
        return size;
    }

    /** Samples labelled since creation (including those the ring has since dropped). */
    long labelled() {
        return labelled;
    }

    /** The window of the stored samples (-1 before the first). */
    long window() {
        return window;
    }

    Labelled labelledSamples() {
        double[][] x = new double[size][];
        double[] y = new double[size];
        int oldest = size < xs.length ? 0 : head;
        for (int i = 0; i < size; i++) {
            int k = (oldest + i) % xs.length;
            x[i] = xs[k];
            y[i] = ys[k];
        }
        return new Labelled(x, y, window);
    }
}
