package org.layerswap.workload;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.layerswap.api.InvocationEvent;

/**
 * Streams the Azure Functions 2021 per-invocation trace ({@code app,func,end_timestamp,duration},
 * seconds since the trace start; start = end - duration). Columns are found by header name. The
 * file is sorted by end time, so a {@link ReorderBuffer} (default horizon 15 min, longer than the
 * 10-minute consumption-plan limit) restores start-time order. Function ids are {@code app/func}.
 */
public final class Azure2021Reader implements InvocationStream {

    public static final long DEFAULT_REORDER_HORIZON_MILLIS = 15 * 60_000L;

    private final LineSource lines;
    private final ReadReport report;
    private final ReorderBuffer buffer;
    private final String[] fields = new String[16];
    private int appCol = -1;
    private int funcCol = -1;
    private int endCol = -1;
    private int durCol = -1;
    private int width;
    private boolean eof;

    public Azure2021Reader(Path path) {
        this(path, DEFAULT_REORDER_HORIZON_MILLIS);
    }

    public Azure2021Reader(Path path, long reorderHorizonMillis) {
        this.lines = new LineSource(path);
        this.report = new ReadReport(path.toString());
        this.buffer = new ReorderBuffer(reorderHorizonMillis, report);
        String header = lines.readLine();
        if (header == null) {
            eof = true;
            return;
        }
        report.line();
        int n = LineSource.split(header.trim(), ',', fields);
        width = n;
        for (int i = 0; i < n; i++) {
            switch (fields[i].trim().toLowerCase(Locale.ROOT)) {
                case "app", "hashapp" -> appCol = i;
                case "func", "hashfunction", "function" -> funcCol = i;
                case "end_timestamp", "end", "endtimestamp" -> endCol = i;
                case "duration" -> durCol = i;
                default -> { }
            }
        }
        if (funcCol < 0 || endCol < 0 || durCol < 0) {
            lines.close();
            throw new IllegalArgumentException(path + ": not an Azure 2021 trace: header needs func, end_timestamp and "
                    + "duration columns, got '" + header + "'");
        }
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
            int n = LineSource.split(line, ',', fields);
            if (n < width) {
                report.bad(lines.lineNumber(), "expected " + width + " fields, got " + n, line);
                continue;
            }
            String func = fields[funcCol].trim();
            String app = appCol >= 0 ? fields[appCol].trim() : "";
            if (func.isEmpty()) {
                report.bad(lines.lineNumber(), "empty function id", line);
                continue;
            }
            double end;
            double dur;
            try {
                end = Double.parseDouble(fields[endCol]);
                dur = Double.parseDouble(fields[durCol]);
            } catch (NumberFormatException e) {
                report.bad(lines.lineNumber(), "end_timestamp/duration not a number", line);
                continue;
            }
            if (!Double.isFinite(end) || !Double.isFinite(dur) || end < 0 || dur < 0) {
                report.bad(lines.lineNumber(), "negative or non-finite end_timestamp/duration", line);
                continue;
            }
            long start = Math.max(0L, Math.round((end - dur) * 1000.0));
            report.accepted();
            String id = app.isEmpty() ? func : app + "/" + func;
            buffer.add(new InvocationEvent(id, start, Map.of(), ""));
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
