package org.layerswap.workload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a trace reader accepted and rejected. Bad rows are counted and the first {@link #maxListed()}
 * of them are kept with their line number and reason; reading never stops on a bad row.
 */
public final class ReadReport {

    /** One rejected row. */
    public record BadRow(long lineNumber, String reason, String excerpt) {
        @Override
        public String toString() {
            return "line " + lineNumber + ": " + reason + (excerpt.isEmpty() ? "" : " [" + excerpt + "]");
        }
    }

    private final String source;
    private final int maxListed;
    private final List<BadRow> badRows = new ArrayList<>();
    private long linesRead;
    private long rowsAccepted;
    private long badRowCount;
    private long eventsEmitted;
    private long reordered;
    private long clamped;

    public ReadReport(String source) {
        this(source, 100);
    }

    public ReadReport(String source, int maxListed) {
        this.source = source;
        this.maxListed = maxListed;
    }

    public void line() {
        linesRead++;
    }

    public void accepted() {
        rowsAccepted++;
    }

    public void emitted() {
        eventsEmitted++;
    }

    /** An event that arrived later than the reorder horizon allowed and was emitted at the last emitted time. */
    public void clampedLate() {
        clamped++;
    }

    public void reordered() {
        reordered++;
    }

    public void bad(long lineNumber, String reason, String line) {
        badRowCount++;
        if (badRows.size() < maxListed) {
            String excerpt = line == null ? "" : line.length() <= 80 ? line : line.substring(0, 77) + "...";
            badRows.add(new BadRow(lineNumber, reason, excerpt));
        }
    }

    public String source() {
        return source;
    }

    public long linesRead() {
        return linesRead;
    }

    public long rowsAccepted() {
        return rowsAccepted;
    }

    public long badRowCount() {
        return badRowCount;
    }

    public long eventsEmitted() {
        return eventsEmitted;
    }

    public long reorderedEvents() {
        return reordered;
    }

    public long clampedLateEvents() {
        return clamped;
    }

    /** The first bad rows (at most {@link #maxListed()}), in file order. */
    public List<BadRow> badRows() {
        return Collections.unmodifiableList(badRows);
    }

    public int maxListed() {
        return maxListed;
    }

    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(": ").append(linesRead).append(" lines, ").append(rowsAccepted)
                .append(" rows accepted, ").append(eventsEmitted).append(" events, ").append(badRowCount)
                .append(" bad rows");
        if (clamped > 0) {
            sb.append(", ").append(clamped).append(" late events clamped to the reorder horizon");
        }
        for (BadRow b : badRows) {
            sb.append("\n  ").append(b);
        }
        if (badRowCount > badRows.size()) {
            sb.append("\n  ... ").append(badRowCount - badRows.size()).append(" more bad rows not listed");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
