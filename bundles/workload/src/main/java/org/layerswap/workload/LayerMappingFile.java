package org.layerswap.workload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;

/**
 * An explicit function-to-layers mapping, read from CSV rows
 * {@code function,layer_digest,size_bytes[,media_type[,when]]}: a function's rows, in file order, are
 * its image stack, base first. A row whose {@code when} is {@code key=value} is an optional layer used
 * only by invocations with that parameter value. An optional header line starts with {@code function,}.
 * Bad rows are reported with line numbers and skipped. Functions missing from the file go to the
 * fallback resolver, or are an error naming the function when there is none.
 */
public final class LayerMappingFile implements LayerResolver {

    private final Map<String, List<LayerDescriptor>> stacks = new LinkedHashMap<>();
    private final Map<String, Map<String, List<LayerDescriptor>>> optional = new HashMap<>();
    private final LayerResolver fallback;
    private final ReadReport report;

    private LayerMappingFile(Path path, LayerResolver fallback) {
        this.fallback = fallback;
        this.report = new ReadReport(path.toString());
        try (LineSource lines = new LineSource(path)) {
            String[] f = new String[6];
            String line;
            while ((line = lines.readLine()) != null) {
                report.line();
                if (line.isBlank() || line.startsWith("#") || (lines.lineNumber() == 1 && line.startsWith("function,"))) {
                    continue;
                }
                int n = LineSource.split(line, ',', f);
                if (n < 3 || n > 5) {
                    report.bad(lines.lineNumber(), "expected function,layer_digest,size_bytes[,media_type[,when]]", line);
                    continue;
                }
                String fn = f[0].trim();
                if (fn.isEmpty()) {
                    report.bad(lines.lineNumber(), "empty function id", line);
                    continue;
                }
                LayerDescriptor d;
                try {
                    long size = Long.parseLong(f[2].trim());
                    String media = n >= 4 && !f[3].isBlank() ? f[3].trim() : LayerDescriptor.OCI_TAR_GZIP;
                    d = new LayerDescriptor(LayerId.of(f[1]), size, media);
                } catch (IllegalArgumentException e) {
                    report.bad(lines.lineNumber(), e.getMessage(), line);
                    continue;
                }
                if (n == 5 && !f[4].isBlank()) {
                    String when = f[4].trim();
                    if (when.indexOf('=') <= 0) {
                        report.bad(lines.lineNumber(), "'when' must be key=value, got '" + when + "'", line);
                        continue;
                    }
                    optional.computeIfAbsent(fn, k -> new HashMap<>()).computeIfAbsent(when, k -> new ArrayList<>()).add(d);
                } else {
                    List<LayerDescriptor> s = stacks.computeIfAbsent(fn, k -> new ArrayList<>());
                    if (s.stream().anyMatch(x -> x.id().equals(d.id()))) {
                        report.bad(lines.lineNumber(), "layer " + d.id() + " listed twice for " + fn, line);
                        continue;
                    }
                    s.add(d);
                }
                report.accepted();
            }
        }
        stacks.replaceAll((k, v) -> List.copyOf(v));
    }

    public static LayerMappingFile read(Path path) {
        return new LayerMappingFile(path, null);
    }

    /** Reads the file; functions it does not list resolve through {@code fallback}. */
    public static LayerMappingFile read(Path path, LayerResolver fallback) {
        return new LayerMappingFile(path, fallback);
    }

    /**
     * The replay's guard against a mapping written for another trace (issue 13): how many of
     * {@code traceFunctions} the file lists; refuses with a clear error when it lists none of them
     * (every function would silently fall back to the synthetic layer model).
     *
     * @return the number of trace functions the file lists
     */
    public int requireMatches(java.util.Collection<String> traceFunctions) {
        int matched = 0;
        for (String f : traceFunctions) {
            if (stacks.containsKey(f) || optional.containsKey(f)) {
                matched++;
            }
        }
        if (matched == 0 && !traceFunctions.isEmpty()) {
            String example = stacks.isEmpty() ? "(none)" : stacks.keySet().iterator().next();
            throw new IllegalArgumentException("layer mapping " + report.source() + " matches none of the trace's "
                    + traceFunctions.size() + " functions (the file lists " + stacks.size() + " functions, e.g. '" + example
                    + "'; the trace's ids look like '" + traceFunctions.iterator().next()
                    + "'; Azure 2019 ids are HashApp/HashFunction)");
        }
        return matched;
    }

    public ReadReport report() {
        return report;
    }

    public Map<String, List<LayerDescriptor>> stacks() {
        return stacks;
    }

    @Override
    public List<LayerDescriptor> baseLayers(String functionId) {
        List<LayerDescriptor> s = stacks.get(functionId);
        if (s != null) {
            return s;
        }
        if (fallback == null) {
            throw new IllegalArgumentException("function " + functionId + " is not in the layer mapping file "
                    + report.source());
        }
        return fallback.baseLayers(functionId);
    }

    @Override
    public List<LayerDescriptor> optionalLayers(String functionId, Map<String, String> params) {
        Map<String, List<LayerDescriptor>> opts = optional.get(functionId);
        if (opts == null) {
            return stacks.containsKey(functionId) || fallback == null ? List.of() : fallback.optionalLayers(functionId, params);
        }
        List<LayerDescriptor> out = new ArrayList<>();
        for (Map.Entry<String, String> p : params.entrySet()) {
            List<LayerDescriptor> l = opts.get(p.getKey() + "=" + p.getValue());
            if (l != null) {
                out.addAll(l);
            }
        }
        return out;
    }
}
