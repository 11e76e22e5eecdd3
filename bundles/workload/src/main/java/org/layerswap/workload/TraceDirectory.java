package org.layerswap.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.layerswap.api.config.DataPaths;

/**
 * The one directory trace files may be read from (by default {@code ${karaf.data}/traces}); the REST replay, the
 * shell's replay and ingest commands and the dashboard resolve every user-given trace path here, because they run
 * as root. A path is accepted only when its real path (symbolic links resolved, {@code ..} folded) lies inside the
 * real path of the directory: {@code /etc/shadow}, {@code ../../etc/shadow} and a link pointing out are refused alike,
 * and the refusal names the path the user gave and the directory, never a byte of any file.
 * Also bounds the synthetic generator ({@code functions=}, {@code days=}) so a request cannot ask for unbounded work.
 */
public final class TraceDirectory {

    public static final int DEFAULT_MAX_SYNTHETIC_FUNCTIONS = 20_000;
    public static final double DEFAULT_MAX_SYNTHETIC_DAYS = 90;
    private static final int MAX_MESSAGE_CHARS = 240;

    private final Path root;
    private final int maxSyntheticFunctions;
    private final double maxSyntheticDays;

    public TraceDirectory(Path root) {
        this(root, DEFAULT_MAX_SYNTHETIC_FUNCTIONS, DEFAULT_MAX_SYNTHETIC_DAYS);
    }

    public TraceDirectory(Path root, int maxSyntheticFunctions, double maxSyntheticDays) {
        this.root = root.toAbsolutePath().normalize();
        if (maxSyntheticFunctions < 1 || !(maxSyntheticDays > 0)) {
            throw new IllegalArgumentException("synthetic bounds must be positive, got functions=" + maxSyntheticFunctions
                    + " days=" + maxSyntheticDays);
        }
        this.maxSyntheticFunctions = maxSyntheticFunctions;
        this.maxSyntheticDays = maxSyntheticDays;
    }

    /** The traces directory of the running appliance: system property {@code layerswap.traces.dir}, else {@code ${karaf.data}/traces}. */
    public static TraceDirectory ofSystem() {
        String dir = System.getProperty("layerswap.traces.dir", "").trim();
        Path root = DataPaths.resolve(dir, "traces");
        return new TraceDirectory(root, Integer.getInteger("layerswap.synthetic.maxFunctions", DEFAULT_MAX_SYNTHETIC_FUNCTIONS),
                Double.parseDouble(System.getProperty("layerswap.synthetic.maxDays", Double.toString(DEFAULT_MAX_SYNTHETIC_DAYS))));
    }

    public Path root() {
        return root;
    }

    /**
     * The real path of the regular file {@code given} names (relative to the traces directory, or absolute inside it).
     *
     * @throws IllegalArgumentException when it is outside the directory (also through a link), missing or not a file
     */
    public Path resolve(String given) {
        if (given == null || given.isBlank()) {
            throw new IllegalArgumentException("no trace file given (a path inside the traces directory " + root + ")");
        }
        String shown = printable(given.trim(), 120);
        Path p = root.resolve(given.trim()).normalize();
        if (!p.startsWith(root)) {
            throw outside(shown);
        }
        Path realRoot;
        Path real;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("the traces directory " + root + " does not exist; create it and put trace files there");
        }
        try {
            real = p.toRealPath();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("trace file '" + shown + "' does not exist in the traces directory " + root);
        } catch (IOException e) {
            throw new IllegalArgumentException("trace file '" + shown + "' cannot be resolved in the traces directory " + root);
        }
        if (!real.startsWith(realRoot)) {
            throw outside(shown);
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("trace '" + shown + "' is not a regular file");
        }
        return real;
    }

    private IllegalArgumentException outside(String shown) {
        return new IllegalArgumentException("trace file '" + shown + "' is outside the traces directory " + root
                + " (copy or move it there; links out of it are refused too)");
    }

    /**
     * The spec with every file argument replaced by its confined real path (see {@link #resolve}), synthetic bounds
     * checked; what {@link Traces#open} and the replay engine then read.
     */
    public String confine(String spec) {
        if (spec == null) {
            throw new IllegalArgumentException("no trace given");
        }
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("trace spec '" + printable(spec, 120) + "' must be kind:argument with kind one of "
                    + "azure2019, azure2021, jsonl, csv, synthetic");
        }
        String kind = spec.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String arg = spec.substring(colon + 1).trim();
        return switch (kind) {
            case "azure2019" -> {
                List<String> files = new ArrayList<>();
                for (String f : arg.split(",")) {
                    files.add(resolve(f).toString());
                }
                yield kind + ":" + String.join(",", files);
            }
            case "azure2021", "jsonl", "csv" -> kind + ":" + resolve(arg);
            case "synthetic" -> {
                SyntheticWorkload.Config c = SyntheticWorkload.Config.parse(arg);
                if (c.functions() > maxSyntheticFunctions) {
                    throw new IllegalArgumentException("synthetic functions=" + c.functions() + " exceeds the limit "
                            + maxSyntheticFunctions + " (layerswap.synthetic.maxFunctions)");
                }
                if (c.days() > maxSyntheticDays) {
                    throw new IllegalArgumentException("synthetic days=" + c.days() + " exceeds the limit " + maxSyntheticDays
                            + " (layerswap.synthetic.maxDays)");
                }
                yield "synthetic:" + arg;
            }
            default -> throw new IllegalArgumentException("unknown trace kind '" + printable(kind, 40)
                    + "' (known: azure2019, azure2021, jsonl, csv, synthetic)");
        };
    }

    /**
     * A message fit to show a user: control and format characters replaced by '?', at most 240 characters. Reader errors
     * (which may quote a header or line of a trace inside the directory) pass through this before they are shown.
     */
    public static String sanitize(String message) {
        return message == null ? "" : printable(message, MAX_MESSAGE_CHARS);
    }

    static String printable(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 3);
        for (int i = 0; i < s.length() && b.length() < max; ) {
            int cp = s.codePointAt(i);
            int type = Character.getType(cp);
            b.appendCodePoint(Character.isISOControl(cp) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE ? '?' : cp);
            i += Character.charCount(cp);
        }
        return b.length() < s.length() && s.length() > max ? b + "..." : b.toString();
    }
}
