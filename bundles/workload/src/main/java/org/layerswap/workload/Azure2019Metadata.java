package org.layerswap.workload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The optional companions of an Azure 2019 invocation file: per-function execution times
 * ({@code HashOwner,HashApp,HashFunction,Average,Count,...}, ms) and per-app allocated memory
 * ({@code HashOwner,HashApp,SampleCount,AverageAllocatedMb,...}, MB). Columns by header name; bad
 * rows are reported like the invocation readers do.
 */
public final class Azure2019Metadata {

    private final Map<String, Double> averageDurationMs = new HashMap<>();
    private final Map<String, Double> appMemoryMb = new HashMap<>();
    private final ReadReport durationReport;
    private final ReadReport memoryReport;

    private Azure2019Metadata(Path durations, Path memory) {
        durationReport = durations == null ? null : read(durations, true);
        memoryReport = memory == null ? null : read(memory, false);
    }

    /** Reads whichever of the two files is non-null. */
    public static Azure2019Metadata read(Path durations, Path memory) {
        return new Azure2019Metadata(durations, memory);
    }

    /**
     * Finds the companions of an invocation file by name: {@code X-invocations.csv} ->
     * {@code X-durations.csv}/{@code X-memory.csv}, and the original release names
     * ({@code invocations_per_function_md.anon.dNN.csv} -> {@code function_durations_percentiles.anon.dNN.csv},
     * {@code app_memory_percentiles.anon.dNN.csv}). Missing files are simply absent.
     */
    public static Azure2019Metadata siblingsOf(Path invocations) {
        String name = invocations.getFileName().toString();
        Path dir = invocations.toAbsolutePath().getParent();
        Path d = null;
        Path m = null;
        if (name.contains("invocations_per_function_md")) {
            d = dir.resolve(name.replace("invocations_per_function_md", "function_durations_percentiles"));
            m = dir.resolve(name.replace("invocations_per_function_md", "app_memory_percentiles"));
        } else if (name.contains("invocations")) {
            d = dir.resolve(name.replace("invocations", "durations"));
            m = dir.resolve(name.replace("invocations", "memory"));
        }
        return new Azure2019Metadata(d != null && Files.isRegularFile(d) ? d : null,
                m != null && Files.isRegularFile(m) ? m : null);
    }

    private ReadReport read(Path path, boolean durations) {
        ReadReport report = new ReadReport(path.toString());
        try (LineSource lines = new LineSource(path)) {
            String header = lines.readLine();
            if (header == null) {
                return report;
            }
            report.line();
            String[] h = header.trim().split(",", -1);
            int app = -1;
            int fn = -1;
            int value = -1;
            for (int i = 0; i < h.length; i++) {
                switch (h[i].trim().toLowerCase(Locale.ROOT)) {
                    case "hashapp" -> app = i;
                    case "hashfunction" -> fn = i;
                    case "average" -> value = durations ? i : value;
                    case "averageallocatedmb" -> value = durations ? value : i;
                    default -> { }
                }
            }
            if (app < 0 || value < 0 || (durations && fn < 0)) {
                throw new IllegalArgumentException(path + ": missing HashApp/" + (durations ? "HashFunction/Average"
                        : "AverageAllocatedMb") + " column in header '" + header + "'");
            }
            int appCol = app;
            int fnCol = fn;
            int valueCol = value;
            CsvRows.forEachRow(lines, report, h.length, (f, line) -> {
                double v;
                try {
                    v = Double.parseDouble(f[valueCol]);
                } catch (NumberFormatException e) {
                    report.bad(lines.lineNumber(), "value '" + f[valueCol] + "' is not a number", line);
                    return;
                }
                if (!(v >= 0) || Double.isInfinite(v)) {
                    report.bad(lines.lineNumber(), "negative or non-finite value " + f[valueCol], line);
                    return;
                }
                report.accepted();
                if (durations) {
                    averageDurationMs.put(f[appCol].trim() + "/" + f[fnCol].trim(), v);
                } else {
                    appMemoryMb.put(f[appCol].trim(), v);
                }
            });
        }
        return report;
    }

    /** Average execution time of a function ({@code app/func} id), ms. */
    public Optional<Double> averageDurationMs(String functionId) {
        return Optional.ofNullable(averageDurationMs.get(functionId));
    }

    /** Average allocated memory of an app, MB. */
    public Optional<Double> appMemoryMb(String app) {
        return Optional.ofNullable(appMemoryMb.get(app));
    }

    public Map<String, Double> appMemoryMb() {
        return appMemoryMb;
    }

    public int functionsWithDurations() {
        return averageDurationMs.size();
    }

    public Optional<ReadReport> durationReport() {
        return Optional.ofNullable(durationReport);
    }

    public Optional<ReadReport> memoryReport() {
        return Optional.ofNullable(memoryReport);
    }
}
