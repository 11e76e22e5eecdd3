package org.layerswap.workload;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.layerswap.api.InvocationEvent;

/**
 * Streams the Azure Functions 2021 per-invocation trace ({@code app,func,end_timestamp,duration},
 * seconds since the trace start; start = end - duration). Columns are found by header name. The
 * file is sorted by end time, so a {@link ReorderBuffer} (default horizon 15 min, longer than the
 * 10-minute consumption-plan limit) restores start-time order. Function ids are {@code app/func}.
 */
public final class Azure2021Reader extends ReorderedLineStream {

    public static final long DEFAULT_REORDER_HORIZON_MILLIS = 15 * 60_000L;

    private final String[] fields = new String[16];
    private int appCol = -1;
    private int funcCol = -1;
    private int endCol = -1;
    private int durCol = -1;
    private int width;

    public Azure2021Reader(Path path) {
        this(path, DEFAULT_REORDER_HORIZON_MILLIS);
    }

    public Azure2021Reader(Path path, long reorderHorizonMillis) {
        super(path, reorderHorizonMillis);
        String header = lines.readLine();
        if (header == null) {
            endOfInput();
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

    @Override
    protected InvocationEvent parse(String line) {
        int n = LineSource.split(line, ',', fields);
        if (n < width) {
            report.bad(lines.lineNumber(), "expected " + width + " fields, got " + n, line);
            return null;
        }
        String func = fields[funcCol].trim();
        String app = appCol >= 0 ? fields[appCol].trim() : "";
        if (func.isEmpty()) {
            report.bad(lines.lineNumber(), "empty function id", line);
            return null;
        }
        double end;
        double dur;
        try {
            end = Double.parseDouble(fields[endCol]);
            dur = Double.parseDouble(fields[durCol]);
        } catch (NumberFormatException e) {
            report.bad(lines.lineNumber(), "end_timestamp/duration not a number", line);
            return null;
        }
        if (!Double.isFinite(end) || !Double.isFinite(dur) || end < 0 || dur < 0) {
            report.bad(lines.lineNumber(), "negative or non-finite end_timestamp/duration", line);
            return null;
        }
        long start = Math.max(0L, Math.round((end - dur) * 1000.0));
        String id = app.isEmpty() ? func : app + "/" + func;
        return new InvocationEvent(id, start, Map.of(), "");
    }
}
