package org.layerswap.replay;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cluster replay's table: per policy and configuration the critical-path fetch share, the registry egress
 * (and its ratio to the same policy's single node), the bytes copied from peers and the stalls of cold
 * invocations served by the registry vs only by peers. Markdown for {@code docs/cluster.md}, CSV for analysis.
 */
public final class ClusterReport {

    private ClusterReport() {
    }

    /** The Markdown table; the egress ratio is against the 1-node row of the same policy (n/a without one). */
    public static String markdown(List<ClusterResult> rs) {
        Map<String, Double> single = singleNodeEgress(rs);
        StringBuilder b = new StringBuilder();
        b.append("| policy | nodes | placement | peer cache | critical-path fetch | registry egress GB | egress / 1 node "
                + "| from peers GB | cold from registry: n, mean / p95 ms | cold from peers only: n, mean / p95 ms "
                + "| busiest node / mean |\n");
        b.append("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ClusterResult r : rs) {
            ClusterSpec s = r.spec();
            b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %.2f%% | %.2f | %s | %.2f | %d, %s / %s | %d, %s / %s | %.2f |%n",
                    r.policy(), s.nodes(), s.nodes() == 1 ? "—" : s.placement().label(),
                    s.nodes() == 1 ? "—" : s.peerCache() ? "on" : "off", 100 * r.criticalPathShare(),
                    r.registryBytes() / 1e9, ratio(r.registryBytes(), single.get(r.policy())), r.peerBytes() / 1e9,
                    r.registryServed(), ms(r.registryServedMeanMs()), ms(r.registryServedP95Ms()), r.peerServed(),
                    ms(r.peerServedMeanMs()), ms(r.peerServedP95Ms()), r.maxNodeLoad()));
        }
        return b.toString();
    }

    public static void write(List<ClusterResult> rs, String header, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Writer w = Files.newBufferedWriter(dir.resolve("cluster.md"), StandardCharsets.UTF_8)) {
            w.write(header);
            w.write("\n\n");
            w.write(markdown(rs));
        }
        Map<String, Double> single = singleNodeEgress(rs);
        try (Writer w = Files.newBufferedWriter(dir.resolve("cluster.csv"), StandardCharsets.UTF_8)) {
            w.write("policy,nodes,placement,peer_cache,invocations,critical_path_invocations,critical_path_share,"
                    + "registry_bytes,egress_vs_single_node,peer_bytes,registry_served,registry_served_mean_ms,"
                    + "registry_served_p95_ms,peer_served,peer_served_mean_ms,peer_served_p95_ms,max_node_load,wall_ms\n");
            for (ClusterResult r : rs) {
                ClusterSpec s = r.spec();
                Double one = single.get(r.policy());
                w.write(String.format(Locale.ROOT, "%s,%d,%s,%s,%d,%d,%.6f,%.0f,%.4f,%.0f,%d,%.3f,%.3f,%d,%.3f,%.3f,%.4f,%d%n",
                        r.policy(), s.nodes(), s.placement().label(), s.peerCache() ? "on" : "off", r.invocations(),
                        r.criticalPathInvocations(), r.criticalPathShare(), r.registryBytes(),
                        one == null || one == 0 ? Double.NaN : r.registryBytes() / one, r.peerBytes(), r.registryServed(),
                        r.registryServedMeanMs(), r.registryServedP95Ms(), r.peerServed(), r.peerServedMeanMs(),
                        r.peerServedP95Ms(), r.maxNodeLoad(), r.wallMillis()));
            }
        }
    }

    private static Map<String, Double> singleNodeEgress(List<ClusterResult> rs) {
        Map<String, Double> m = new HashMap<>();
        for (ClusterResult r : rs) {
            if (r.spec().nodes() == 1) {
                m.putIfAbsent(r.policy(), r.registryBytes());
            }
        }
        return m;
    }

    private static String ratio(double v, Double base) {
        return base == null || base == 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", v / base);
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.0f", v);
    }
}
