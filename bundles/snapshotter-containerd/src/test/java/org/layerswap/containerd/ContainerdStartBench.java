package org.layerswap.containerd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import org.layerswap.containerd.ContainerdStartRig.Mode;
import org.layerswap.containerd.ContainerdStartRig.Sample;

/**
 * The containerd start benchmark (issue 18; root; never part of the normal test run): the time from "start
 * requested" to the function's first output line for one image ({@code --image-mb}: busybox-static + an
 * incompressible filler + a handler) behind a loopback link of each {@code --bandwidths} (MB/s), in the modes of
 * {@link ContainerdStartRig.Mode}, interleaved within each of {@code --rounds} rounds. Prints every round, then per
 * link and mode the p50, min and max (with 5-10 rounds a p99 would be the max) and the p50 ratios; then the latency of
 * the snapshot operations ({@link SnapshotOpLatency}, {@code --op-samples} each).
 *
 * <pre>mvn -B -o -f bundles/snapshotter-containerd/pom.xml -Pbench verify -DskipTests [-Dbench.args="..."]</pre>
 */
public final class ContainerdStartBench {

    private ContainerdStartBench() {
    }

    public static void main(String[] args) throws Exception {
        List<Long> bandwidthsMBps = List.of(100L, 20L);
        long imageMb = 50;
        int rounds = 5;
        int opSamples = 500;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bandwidths" -> bandwidthsMBps = Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
                case "--image-mb" -> imageMb = Long.parseLong(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--op-samples" -> opSamples = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; valid: --bandwidths MBps[,MBps...] --image-mb N --rounds N --op-samples N");
            }
        }
        if (rounds < 1 || imageMb < 2 || opSamples < 1) {
            throw new IllegalArgumentException("want --rounds >= 1, --image-mb >= 2 and --op-samples >= 1, got " + rounds + ", " + imageMb
                    + " and " + opSamples);
        }
        Path work = Files.createTempDirectory("layerswap-containerd-bench");
        List<String> table = new ArrayList<>();
        try (ContainerdStartRig rig = ContainerdStartRig.start(work, imageMb * 1_000_000 - 1_300_000)) {
            System.out.printf(Locale.ROOT, "containerd start benchmark: image %.1f MB as served (busybox-static + filler + handler), %d rounds%n",
                    rig.imageBytes() / 1e6, rounds);
            table.add("| link | mode | p50 ms | min ms | max ms | pull / metadata p50 ms | run to output p50 ms | MB over the link p50 "
                    + "| layer blob GETs | ready ahead p50 ms |");
            table.add("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (long mbps : bandwidthsMBps) {
                rig.throttle(mbps * 1_000_000);
                Map<Mode, List<Sample>> byMode = new EnumMap<>(Mode.class);
                for (int r = 1; r <= rounds; r++) {
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %d MB/s round %d:", mbps, r));
                    for (Mode m : Mode.values()) {
                        Sample s = rig.measure(m);
                        byMode.computeIfAbsent(m, k -> new ArrayList<>()).add(s);
                        line.append(String.format(Locale.ROOT, " %s %.0f ms;", m, s.totalMs()));
                    }
                    System.out.println(line);
                }
                for (Mode m : Mode.values()) {
                    List<Sample> s = byMode.get(m);
                    table.add(String.format(Locale.ROOT, "| %d MB/s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.3f | %.0f | %s |", mbps,
                            m.label, p50(s, Sample::totalMs), min(s), max(s), p50(s, Sample::fetchMs), p50(s, Sample::runMs),
                            p50(s, x -> x.linkBytes()) / 1e6, p50(s, x -> x.layerGets()), p50(s, Sample::readyMs) > 0
                                    ? String.format(Locale.ROOT, "%.0f", p50(s, Sample::readyMs)) : "–"));
                }
                ToDoubleFunction<Mode> p50 = m -> p50(byMode.get(m), Sample::totalMs);
                double overlay = p50.applyAsDouble(Mode.OVERLAYFS_PULL);
                double present = p50.applyAsDouble(Mode.PRESENT);
                table.add(String.format(Locale.ROOT, "| %d MB/s | ratios of p50 (ctr run) | overlayfs pull / LayerSwap predicted: %.1fx "
                                + "(metadata import), %.1fx (CRI pull) | LayerSwap pull / overlayfs pull %.2fx | LayerSwap predicted / "
                                + "present: %.2fx (metadata import), %.2fx (CRI pull) | | | | | |", mbps,
                        overlay / p50.applyAsDouble(Mode.LAYERSWAP_PREDICTED), overlay / p50.applyAsDouble(Mode.LAYERSWAP_PREDICTED_CRI),
                        p50.applyAsDouble(Mode.LAYERSWAP_PULL) / overlay, p50.applyAsDouble(Mode.LAYERSWAP_PREDICTED) / present,
                        p50.applyAsDouble(Mode.LAYERSWAP_PREDICTED_CRI) / present));
                double podPull = p50.applyAsDouble(Mode.CRI_POD_PULL);
                double podPredicted = p50.applyAsDouble(Mode.CRI_POD_PREDICTED);
                table.add(String.format(Locale.ROOT, "| %d MB/s | ratios of p50 (CRI pod) | pod pull / pod predicted %.1fx | overlayfs "
                                + "pull (ctr) / pod predicted %.1fx | pod predicted / pod present %.2fx | | | | | | |", mbps,
                        podPull / podPredicted, overlay / podPredicted, podPredicted / p50.applyAsDouble(Mode.CRI_POD_PRESENT)));
                double ctrPresentAhead = p50.applyAsDouble(Mode.LAYERSWAP_PREDICTED_PRESENT);
                double podPresentAhead = p50.applyAsDouble(Mode.CRI_POD_PREDICTED_PRESENT);
                table.add(String.format(Locale.ROOT, "| %d MB/s | ratios of p50 (predicted present) | overlayfs pull / ctr predicted "
                                + "present %.1fx | ctr predicted present / present %.2fx | pod pull / pod predicted present %.1fx | pod "
                                + "predicted present / pod present %.2fx | | | | | |", mbps, overlay / ctrPresentAhead,
                        ctrPresentAhead / present, podPull / podPresentAhead, podPresentAhead / p50.applyAsDouble(Mode.CRI_POD_PRESENT)));
            }
            table.forEach(System.out::println); // the start figures, before the operations are timed
            table.clear();
            table.add("");
            table.add("Snapshot operations on LayerSwap's socket (" + opSamples + " each, gRPC round trip as containerd's proxy makes it):");
            table.add("");
            table.add("| operation | p50 ms | p99 ms | max ms |");
            table.add("|---|---:|---:|---:|");
            for (Map.Entry<String, double[]> op : SnapshotOpLatency.measure(rig.socket(), opSamples).entrySet()) {
                double[] v = op.getValue();
                table.add(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |", op.getKey(), SnapshotOpLatency.percentile(v, 50),
                        SnapshotOpLatency.percentile(v, 99), v[v.length - 1]));
            }
        } finally {
            deleteTree(work);
        }
        System.out.println();
        table.forEach(System.out::println);
    }

    /** The lower median (nearest rank). */
    static double p50(List<Sample> samples, ToDoubleFunction<Sample> f) {
        double[] v = samples.stream().mapToDouble(f).sorted().toArray();
        return v[(v.length - 1) / 2];
    }

    private static double min(List<Sample> s) {
        return s.stream().mapToDouble(Sample::totalMs).min().orElseThrow();
    }

    private static double max(List<Sample> s) {
        return s.stream().mapToDouble(Sample::totalMs).max().orElseThrow();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
