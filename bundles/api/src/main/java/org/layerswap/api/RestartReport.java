package org.layerswap.api;

import java.util.List;

/**
 * What the appliance took over from before its last start (clean stop or {@code kill -9}), for
 * {@code layerswap:status}. Each entry is one human-readable line naming the thing and why.
 *
 * @param adopted  composed roots and variant roots kept as they were (same generation, same mount)
 * @param cleaned  recovered roots and interrupted work removed instead, with the reason
 * @param resumed  prefetches interrupted by the stop and started again (from the byte reached when the
 *                 layer source supports ranges)
 * @param restored state restored from disk or the database (profiler snapshot, function catalog, ...)
 * @param pending  recovered roots not decided yet (their function is not defined, e.g. no catalog store)
 */
public record RestartReport(List<String> adopted, List<String> cleaned, List<String> resumed, List<String> restored,
                            List<String> pending) {

    /** Nothing was taken over (first start, or a component that does not track it). */
    public static final RestartReport NONE = new RestartReport(List.of(), List.of(), List.of(), List.of(), List.of());

    public RestartReport {
        adopted = List.copyOf(adopted);
        cleaned = List.copyOf(cleaned);
        resumed = List.copyOf(resumed);
        restored = List.copyOf(restored);
        pending = List.copyOf(pending);
    }

    /** This report with {@code other}'s entries appended (each list in order). */
    public RestartReport plus(RestartReport other) {
        return new RestartReport(concat(adopted, other.adopted), concat(cleaned, other.cleaned), concat(resumed, other.resumed),
                concat(restored, other.restored), concat(pending, other.pending));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        if (b.isEmpty()) {
            return a;
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
