package org.layerswap.workload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a trace from a spec string: {@code azure2019:<file>[,<file>...]}, {@code azure2021:<file>},
 * {@code jsonl:<file>}, {@code csv:<file>} (the own invocation log) or
 * {@code synthetic:days=14,functions=400,seed=1}.
 */
public final class Traces {

    private Traces() {
    }

    public static InvocationStream open(String spec, long seed) {
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("trace spec '" + spec + "' must be kind:argument with kind one of "
                    + "azure2019, azure2021, jsonl, csv, synthetic");
        }
        String kind = spec.substring(0, colon).trim();
        String arg = spec.substring(colon + 1).trim();
        return switch (kind) {
            case "azure2019" -> {
                List<Path> days = new ArrayList<>();
                for (String p : arg.split(",")) {
                    days.add(existing(p.trim()));
                }
                yield new Azure2019Reader(days, seed);
            }
            case "azure2021" -> new Azure2021Reader(existing(arg));
            case "jsonl" -> InvocationLog.read(existing(arg), InvocationLog.Format.JSONL,
                    InvocationLog.DEFAULT_REORDER_HORIZON_MILLIS);
            case "csv" -> InvocationLog.read(existing(arg), InvocationLog.Format.CSV,
                    InvocationLog.DEFAULT_REORDER_HORIZON_MILLIS);
            case "synthetic" -> SyntheticWorkload.of(arg).stream();
            default -> throw new IllegalArgumentException("unknown trace kind '" + kind
                    + "' (known: azure2019, azure2021, jsonl, csv, synthetic)");
        };
    }

    private static Path existing(String p) {
        Path path = Path.of(p);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("trace file " + path.toAbsolutePath() + " does not exist");
        }
        return path;
    }
}
