package org.layerswap.replay;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes {@code report.md}, {@code results.csv}, {@code sweep.csv}, {@code calibration.csv} and the PNG charts. */
public final class ReportWriter {

    private ReportWriter() {
    }

    public static void write(ReplayResult r, Path dir, boolean charts) throws IOException {
        Files.createDirectories(dir);
        try (Writer w = Files.newBufferedWriter(dir.resolve("results.csv"), StandardCharsets.UTF_8)) {
            csv(w, r.results());
        }
        if (!r.sweep().isEmpty()) {
            try (Writer w = Files.newBufferedWriter(dir.resolve("sweep.csv"), StandardCharsets.UTF_8)) {
                csv(w, r.sweep());
            }
        }
        try (Writer w = Files.newBufferedWriter(dir.resolve("calibration.csv"), StandardCharsets.UTF_8)) {
            w.write("policy,bin,predictions,mean_prediction,observed_rate\n");
            for (PolicyResult p : r.results()) {
                Calibration c = p.calibration();
                if (c == null) {
                    continue;
                }
                for (int b = 0; b < Calibration.BINS; b++) {
                    w.write(String.format(Locale.ROOT, "%s,%d,%d,%.4f,%.4f%n", p.policy(), b, c.binCount(b),
                            c.binMeanPrediction(b), c.binObservedRate(b)));
                }
            }
        }
        if (charts) {
            Charts.write(r, dir);
        }
        try (Writer w = Files.newBufferedWriter(dir.resolve("report.md"), StandardCharsets.UTF_8)) {
            w.write(markdown(r, charts));
        }
    }

    static void csv(Writer w, List<PolicyResult> rs) throws IOException {
        w.write("policy,family,knob,invocations,critical_path_invocations,critical_path_share,share_ge_1_per_min,"
                + "share_1_per_min_to_1_per_h,share_lt_1_per_h,stall_p50_ms,stall_p95_ms,stall_p99_ms,"
                + "stall_mean_when_fetching_ms,total_stall_s,bytes_fetched,on_demand_bytes,prefetch_bytes,"
                + "wasted_prefetch_bytes,unused_prefetch_at_end_bytes,resident_gb_s,prefetches_completed,prefetches_used,"
                + "prefetch_precision,prefetch_recall,brier,calibration_error,decision_ns_per_invocation,wall_ms\n");
        for (PolicyResult p : rs) {
            w.write(String.format(Locale.ROOT,
                    "%s,%s,%s,%d,%d,%.6f,%.6f,%.6f,%.6f,%.3f,%.3f,%.3f,%.3f,%.3f,%d,%d,%d,%d,%d,%.1f,%d,%d,%.6f,%.6f,%.6f,%.6f,%.1f,%d%n",
                    p.policy(), p.family(), num(p.knob()), p.invocations(), p.criticalPathInvocations(),
                    p.criticalPathShare(), p.criticalPathShare(0), p.criticalPathShare(1), p.criticalPathShare(2),
                    p.stallP50Ms(), p.stallP95Ms(), p.stallP99Ms(), p.stallMeanWhenFetchingMs(), p.totalStallMs() / 1000,
                    p.bytesFetched(), p.onDemandBytes(), p.prefetchBytes(), p.wastedPrefetchBytes(), p.unusedAtEndBytes(),
                    p.residentGbSeconds(), p.prefetchesCompleted(), p.prefetchesUsed(), p.prefetchPrecision(),
                    p.prefetchRecall(), p.brier(), p.calibrationError(), p.decisionNanosPerInvocation(), p.wallMillis()));
        }
    }

    private static String num(double d) {
        return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%s", d);
    }

    private static String pct(double d) {
        return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * d);
    }

    private static String f(double d, String fmt) {
        return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, fmt, d);
    }

    /** The headline table (Markdown). */
    public static String headline(List<PolicyResult> rs, long spanMillis) {
        StringBuilder sb = new StringBuilder();
        sb.append("| policy | critical-path fetch | >=1/min | 1/min..1/h | <1/h | stall p50 / p95 / p99 (ms) "
                + "| fetched GB | wasted prefetch GB | resident GB*s (mean GB) | prefetch precision / recall | Brier "
                + "| decision us/inv |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        double spanS = Math.max(1, spanMillis / 1000.0);
        for (PolicyResult p : rs) {
            sb.append("| ").append(p.policy())
                    .append(" | ").append(pct(p.criticalPathShare()))
                    .append(" | ").append(pct(p.criticalPathShare(0)))
                    .append(" | ").append(pct(p.criticalPathShare(1)))
                    .append(" | ").append(pct(p.criticalPathShare(2)))
                    .append(" | ").append(f(p.stallP50Ms(), "%.0f")).append(" / ").append(f(p.stallP95Ms(), "%.0f"))
                    .append(" / ").append(f(p.stallP99Ms(), "%.0f"))
                    .append(" | ").append(Units.gb(p.bytesFetched()))
                    .append(" | ").append(Units.gb(p.wastedPrefetchBytes()))
                    .append(" | ").append(f(p.residentGbSeconds(), "%.4g")).append(" (")
                    .append(f(p.residentGbSeconds() / spanS, "%.2f")).append(")")
                    .append(" | ").append(p.prefetchesCompleted() == 0 ? "n/a" : pct(p.prefetchPrecision()) + " / "
                            + pct(p.prefetchRecall()))
                    .append(" | ").append(f(p.brier(), "%.4f"))
                    .append(" | ").append(f(p.decisionNanosPerInvocation() / 1000, "%.2f"))
                    .append(" |\n");
        }
        return sb.toString();
    }

    static String markdown(ReplayResult r, boolean charts) {
        StringBuilder sb = new StringBuilder();
        NodeSettings n = r.node();
        sb.append("# LayerSwap replay report\n\n");
        sb.append("- trace: `").append(r.trace()).append("`\n");
        sb.append(String.format(Locale.ROOT, "- %d invocations, %d functions (%d at >=1/min, %d at 1/min..1/h, %d at <1/h), "
                        + "%d layers (%s GB in all), span %.1f h, warm-up %.1f h excluded%n", r.events(), r.functions(),
                r.functionsByClass()[0], r.functionsByClass()[1], r.functionsByClass()[2], r.layers(),
                Units.gb(r.layerBytes()), r.spanMillis() / 3.6e6, r.warmupMillis() / 3.6e6));
        sb.append(String.format(Locale.ROOT, "- node: budget %s GB, link %.0f MB/s, RTT %.0f ms, unpack %.0f MB/s%n",
                Units.gb(n.budgetBytes()), n.bandwidthBytesPerSec() / 1e6, n.rttMillis(), n.unpackBytesPerSec() / 1e6));
        sb.append(String.format(Locale.ROOT, "- load %.1f s; replay of %d policy runs %.1f s on %d threads = %.0f invocations/s%n",
                r.loadMillis() / 1000.0, r.results().size() + r.sweep().size(), r.replayMillis() / 1000.0, r.threads(),
                r.eventsPerSecond()));
        if (!r.readSummary().isBlank()) {
            sb.append("- input: ").append(r.readSummary().replace("\n", "\n  ")).append("\n");
        }
        sb.append("\n## Policies\n\n");
        sb.append(headline(r.results(), r.spanMillis()));
        sb.append("\nCritical-path fetch: share of measured invocations that waited for at least one layer. Stall "
                + "percentiles are over all measured invocations (0 for hits). Wasted prefetch: prefetched bytes "
                + "evicted or dropped before any use. Decision time: wall time to serve one invocation in the "
                + "replay (policy decisions plus the node model). Brier/calibration only for policies that make "
                + "probabilistic predictions.\n");
        if (charts) {
            sb.append("\n![critical-path fetch share](policies.png)\n\n![stalls](stalls.png)\n");
            if (r.results().stream().anyMatch(p -> p.calibration() != null && p.calibration().predictions() > 0)) {
                sb.append("\n![calibration](calibration.png)\n");
            }
        }
        sb.append("\nHybrid histogram: the ARIMA branch of the paper (mostly out-of-range idle times) is replaced by an "
                + "EWMA of those idle times. Clairvoyant oracle: a heuristic upper bound (Belady eviction plus "
                + "look-ahead prefetch under the same link and budget), not a proven optimum.\n");
        if (!r.sweep().isEmpty()) {
            sb.append("\n## Sweeps\n\nEach family's own knob (keep-alive length in minutes, budget share, hybrid "
                    + "tail percentile, prefetch threshold).\n\n");
            sb.append("| family | knob | critical-path fetch | resident GB*s | fetched GB | wasted prefetch GB |\n");
            sb.append("|---|---:|---:|---:|---:|---:|\n");
            for (PolicyResult p : r.sweep()) {
                sb.append("| ").append(p.family()).append(" | ").append(num(p.knob())).append(" | ")
                        .append(pct(p.criticalPathShare())).append(" | ").append(f(p.residentGbSeconds(), "%.4g"))
                        .append(" | ").append(Units.gb(p.bytesFetched())).append(" | ")
                        .append(Units.gb(p.wastedPrefetchBytes())).append(" |\n");
            }
            if (charts) {
                sb.append("\n![sweep: fetch rate vs storage](sweep-storage.png)\n\n![sweep: fetch rate vs bytes](sweep-bytes.png)\n");
            }
        }
        return sb.toString();
    }
}
