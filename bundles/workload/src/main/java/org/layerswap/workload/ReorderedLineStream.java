package org.layerswap.workload;

import java.nio.file.Path;
import java.util.NoSuchElementException;
import org.layerswap.api.InvocationEvent;

/**
 * An invocation stream over a line-per-invocation file whose lines are only nearly in time order
 * (the Azure 2021 trace, the project's own invocation log): each non-blank line is parsed by the
 * subclass and the events pass through a {@link ReorderBuffer}, so they come out in timestamp order.
 *
 * <p>Invariants: every line read is counted in the {@link ReadReport} (blank ones included); a line
 * for which {@link #parse} returns an event is counted as accepted exactly once; input is read only
 * as far as needed to know the buffer's head is final, and the file is closed at its end.
 */
abstract class ReorderedLineStream implements InvocationStream {

    /** The file's lines; subclasses read a header from it in their constructor. */
    protected final LineSource lines;
    protected final ReadReport report;
    private final ReorderBuffer buffer;
    private boolean eof;

    protected ReorderedLineStream(Path path, long reorderHorizonMillis) {
        this.lines = new LineSource(path);
        this.report = new ReadReport(path.toString());
        this.buffer = new ReorderBuffer(reorderHorizonMillis, report);
    }

    /**
     * Parses one non-blank line.
     *
     * @return the event, or null when the line holds none: a header, or a bad line that this method
     *         has already reported with {@link ReadReport#bad}
     */
    protected abstract InvocationEvent parse(String line);

    /** Marks the input as exhausted (e.g. a file without even a header line). */
    protected final void endOfInput() {
        eof = true;
    }

    private void fill() {
        while (!eof && !buffer.ready()) {
            String line = lines.readLine();
            if (line == null) {
                eof = true;
                lines.close();
                return;
            }
            report.line();
            if (line.isBlank()) {
                continue;
            }
            InvocationEvent e = parse(line);
            if (e != null) {
                report.accepted();
                buffer.add(e);
            }
        }
    }

    @Override
    public boolean hasNext() {
        fill();
        return !buffer.isEmpty();
    }

    @Override
    public InvocationEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return buffer.poll();
    }

    @Override
    public ReadReport report() {
        return report;
    }

    @Override
    public double progress() {
        return lines.progress();
    }

    @Override
    public void close() {
        lines.close();
        eof = true;
    }
}
