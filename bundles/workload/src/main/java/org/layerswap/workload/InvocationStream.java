package org.layerswap.workload;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import org.layerswap.api.InvocationEvent;

/**
 * A stream of invocations in non-decreasing timestamp order, read lazily (never a whole file in
 * memory). Close it to release the underlying file.
 */
public interface InvocationStream extends Iterator<InvocationEvent>, AutoCloseable {

    /** Counts and bad rows so far (complete once the stream is exhausted). */
    ReadReport report();

    /** Fraction of the input consumed, in [0, 1]; NaN when unknown. */
    double progress();

    @Override
    void close();

    /** Feeds every remaining event to {@code sink} and closes the stream. */
    default long drainTo(Consumer<InvocationEvent> sink) {
        long n = 0;
        try (this) {
            while (hasNext()) {
                sink.accept(next());
                n++;
            }
        }
        return n;
    }

    /** Wraps an iterator that is already in timestamp order. */
    static InvocationStream of(Iterator<InvocationEvent> it, String name) {
        ReadReport report = new ReadReport(name);
        return new InvocationStream() {
            @Override
            public ReadReport report() {
                return report;
            }

            @Override
            public double progress() {
                return Double.NaN;
            }

            @Override
            public void close() {
            }

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public InvocationEvent next() {
                if (!it.hasNext()) {
                    throw new NoSuchElementException();
                }
                InvocationEvent e = it.next();
                report.line();
                report.accepted();
                report.emitted();
                return e;
            }
        };
    }
}
