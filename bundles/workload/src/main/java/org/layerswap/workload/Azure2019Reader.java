package org.layerswap.workload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.layerswap.api.InvocationEvent;

/**
 * Streams the Azure Functions 2019 per-minute invocation counts ({@code HashOwner,HashApp,
 * HashFunction[,Trigger],1..1440}; the minute columns may also be named {@code minute_N} or
 * {@code N_minute}; all columns are found by header name, in any order). One file per day; several
 * day files are replayed back to back (day {@code d} starts at {@code d * 86,400,000} ms).
 *
 * <p>Memory: a day file is read once into a sparse per-minute table holding only the non-zero
 * (function, minute, count) cells (8 bytes each); the invocations themselves are expanded one minute
 * at a time (a per-minute k-way expansion across functions), so memory never grows with the number
 * of invocations. Inside a minute the {@code count} invocations of a function are spread uniformly at
 * random with a generator seeded from (seed, day, minute, function), so the expansion is
 * deterministic. Function ids are {@code HashApp/HashFunction}.
 */
public final class Azure2019Reader implements InvocationStream {

    private static final Pattern MINUTE = Pattern.compile("(?:minute_?)?(\\d+)(?:_?minute)?");
    public static final long DAY_MILLIS = 86_400_000L;

    private final List<Path> days;
    private final long seed;
    private final ReadReport report;
    private final Map<String, Integer> functionIndex = new HashMap<>();
    private final List<String> functionIds = new ArrayList<>();
    private final Map<String, String> triggers = new HashMap<>();

    private int day = -1;
    private LineSource lines;
    private double loadProgress;
    // sparse per-minute cells of the current day
    private int[][] cellFn;
    private int[][] cellCount;
    private int[] cellSize;
    private int minute = 1440;
    private long[] minuteEvents = new long[1024];
    private int minuteLen;
    private int minutePos;

    public Azure2019Reader(Path dayFile, long seed) {
        this(List.of(dayFile), seed);
    }

    public Azure2019Reader(List<Path> dayFiles, long seed) {
        if (dayFiles.isEmpty()) {
            throw new IllegalArgumentException("no Azure 2019 day file given");
        }
        this.days = List.copyOf(dayFiles);
        this.seed = seed;
        this.report = new ReadReport(dayFiles.size() == 1 ? dayFiles.get(0).toString()
                : dayFiles.get(0) + " (+" + (dayFiles.size() - 1) + " day files)");
    }

    /** Trigger of each function when the file has a Trigger column (known after its day was read). */
    public Map<String, String> triggers() {
        return triggers;
    }

    private boolean loadNextDay() {
        day++;
        if (day >= days.size()) {
            return false;
        }
        Path path = days.get(day);
        lines = new LineSource(path);
        try {
            String header = lines.readLine();
            if (header == null) {
                report.bad(0, path + " is empty", "");
                return loadNextDay();
            }
            report.line();
            String[] h = header.trim().split(",", -1);
            int fnCol = -1;
            int appCol = -1;
            int trigCol = -1;
            int[] minuteOfCol = new int[h.length];
            Arrays.fill(minuteOfCol, -1);
            int minutes = 0;
            for (int i = 0; i < h.length; i++) {
                String name = h[i].trim();
                String lower = name.toLowerCase(Locale.ROOT);
                switch (lower) {
                    case "hashfunction" -> fnCol = i;
                    case "hashapp" -> appCol = i;
                    case "trigger" -> trigCol = i;
                    case "hashowner" -> { }
                    default -> {
                        Matcher m = MINUTE.matcher(lower);
                        if (m.matches()) {
                            int min = Integer.parseInt(m.group(1));
                            if (min >= 1 && min <= 1440) {
                                minuteOfCol[i] = min - 1;
                                minutes++;
                            }
                        }
                    }
                }
            }
            if (fnCol < 0 || minutes == 0) {
                throw new IllegalArgumentException(path + ": not an Azure 2019 invocation file: header needs HashFunction "
                        + "and minute columns (1..1440, minute_N or N_minute), got '" + abbreviate(header) + "'");
            }
            cellFn = new int[1440][];
            cellCount = new int[1440][];
            cellSize = new int[1440];
            Columns cols = new Columns(h, fnCol, appCol, trigCol, minuteOfCol, new int[h.length]);
            CsvRows.forEachRow(lines, report, h.length, (f, line) -> addRow(cols, f, line));
        } finally {
            lines.close();
        }
        minute = -1;
        minuteLen = 0;
        minutePos = 0;
        return true;
    }

    /** The header of the day file being loaded; {@code counts} is scratch space for one row's counts. */
    private record Columns(String[] names, int fn, int app, int trigger, int[] minuteOfCol, int[] counts) {
    }

    /** Accepts one row of the day being loaded into the per-minute cells, or reports why it is bad. */
    private void addRow(Columns c, String[] f, String line) {
        loadProgress = lines.progress();
        String[] h = c.names();
        int[] counts = c.counts();
        String fn = f[c.fn()].trim();
        if (fn.isEmpty()) {
            report.bad(lines.lineNumber(), "empty HashFunction", line);
            return;
        }
        for (int i = 0; i < h.length; i++) {
            if (c.minuteOfCol()[i] >= 0) {
                String s = f[i];
                if (s.isEmpty()) {
                    counts[i] = 0;
                    continue;
                }
                int v = parseCount(s);
                if (v < 0) {
                    report.bad(lines.lineNumber(), "count in column '" + h[i].trim() + "' is not a non-negative "
                            + "integer: '" + s + "'", line);
                    return;
                }
                counts[i] = v;
            }
        }
        String app = c.app() >= 0 ? f[c.app()].trim() : "";
        String id = app.isEmpty() ? fn : app + "/" + fn;
        int idx = functionIndex.computeIfAbsent(id, k -> {
            functionIds.add(k);
            return functionIds.size() - 1;
        });
        if (c.trigger() >= 0) {
            triggers.put(id, f[c.trigger()].trim());
        }
        report.accepted();
        for (int i = 0; i < h.length; i++) {
            int m = c.minuteOfCol()[i];
            if (m >= 0 && counts[i] > 0) {
                addCell(m, idx, counts[i]);
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    /** Parses a small non-negative integer (also "3.0"); -1 when it is not one. */
    private static int parseCount(String s) {
        int len = s.length();
        int v = 0;
        int i = 0;
        for (; i < len; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                v = v * 10 + (c - '0');
                if (v > 100_000_000) {
                    return -1;
                }
            } else {
                break;
            }
        }
        if (i == 0) {
            return -1;
        }
        if (i < len) {
            // accept a zero fraction ("3.0")
            if (s.charAt(i) != '.') {
                return -1;
            }
            for (int j = i + 1; j < len; j++) {
                if (s.charAt(j) != '0') {
                    return -1;
                }
            }
        }
        return v;
    }

    private void addCell(int m, int fn, int count) {
        int[] fns = cellFn[m];
        if (fns == null) {
            cellFn[m] = fns = new int[8];
            cellCount[m] = new int[8];
        } else if (cellSize[m] == fns.length) {
            cellFn[m] = fns = Arrays.copyOf(fns, fns.length * 2);
            cellCount[m] = Arrays.copyOf(cellCount[m], fns.length);
        }
        fns[cellSize[m]] = fn;
        cellCount[m][cellSize[m]++] = count;
    }

    private boolean expandNextMinute() {
        while (true) {
            if (day < 0 || minute >= 1439) {
                cellFn = null;
                cellCount = null;
                if (!loadNextDay()) {
                    return false;
                }
            }
            minute++;
            int cells = cellSize[minute];
            if (cells == 0) {
                continue;
            }
            int total = 0;
            for (int c = 0; c < cells; c++) {
                total += cellCount[minute][c];
            }
            if (minuteEvents.length < total) {
                minuteEvents = new long[Math.max(total, minuteEvents.length * 2)];
            }
            int k = 0;
            for (int c = 0; c < cells; c++) {
                int fn = cellFn[minute][c];
                int count = cellCount[minute][c];
                SplittableRandom rnd = new SplittableRandom(mix(seed, day, minute, fn));
                for (int j = 0; j < count; j++) {
                    long offset = rnd.nextInt(60_000);
                    minuteEvents[k++] = (offset << 32) | fn;
                }
            }
            Arrays.sort(minuteEvents, 0, total);
            minuteLen = total;
            minutePos = 0;
            cellFn[minute] = null;
            cellCount[minute] = null;
            return true;
        }
    }

    private static long mix(long seed, int day, int minute, int fn) {
        long z = seed * 0x9E3779B97F4A7C15L + day * 0xBF58476D1CE4E5B9L + minute * 0x94D049BB133111EBL + fn;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public boolean hasNext() {
        return minutePos < minuteLen || expandNextMinute();
    }

    @Override
    public InvocationEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        long packed = minuteEvents[minutePos++];
        int fn = (int) packed;
        long t = day * DAY_MILLIS + minute * 60_000L + (packed >>> 32);
        report.emitted();
        return new InvocationEvent(functionIds.get(fn), t, Map.of(), "");
    }

    @Override
    public ReadReport report() {
        return report;
    }

    @Override
    public double progress() {
        if (day < 0) {
            return 0;
        }
        double perDay = 1.0 / days.size();
        double inDay = minute < 0 ? 0.2 * loadProgress : 0.2 + 0.8 * Math.min(1.0, (minute + 1) / 1440.0);
        return Math.min(1.0, perDay * (day + inDay));
    }

    @Override
    public void close() {
        if (lines != null) {
            lines.close();
        }
        day = days.size();
        minute = 1440;
        minuteLen = 0;
        minutePos = 0;
    }
}
