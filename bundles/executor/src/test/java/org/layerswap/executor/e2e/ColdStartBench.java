package org.layerswap.executor.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.layerswap.fs.common.Trees;

import org.layerswap.api.ExecutionResult;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.fs.common.Trees;
import org.layerswap.source.oci.testing.LinkProxy;

/**
 * The end-to-end cold-start benchmark: time from an invocation's arrival to the function's first instruction
 * (its first output byte), against the loopback registry behind a link of a set bandwidth, for one function
 * whose image is {@code --image-mb} (busybox-static base + a shared runtime layer + its handler):
 * <ul>
 *   <li><b>on-demand</b>: nothing resident; the invocation pulls, verifies, unpacks and mounts on its path;</li>
 *   <li><b>prefetch</b>: nothing resident; the profiler sees the function's periodic history, the swap manager
 *       prefetches and composes ahead, and the invocation arrives {@code lead} later, on the beat that history
 *       predicts (1.5x the image's transfer time at that bandwidth, plus 1 s), whatever state the prefetch is in;</li>
 *   <li><b>floor</b>: everything pulled and composed before the invocation.</li>
 * </ul>
 * Each round uses a fresh store and backend (a cold node). Prints p50/p95/p99 and the ratios.
 */
public final class ColdStartBench {

    private record Sample(double firstInstructionMs, double layerWaitMs, double mountMs, double processStartMs, boolean hit) {
    }

    public static void main(String[] args) throws Exception {
        List<Long> bandwidthsMBps = List.of(100L, 20L);
        long imageMb = 200;
        int rounds = 12;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bandwidths" -> bandwidthsMBps = Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
                case "--image-mb" -> imageMb = Long.parseLong(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; valid: --bandwidths MBps[,MBps...] --image-mb N --rounds N");
            }
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the benchmark mounts overlay roots: run it as root");
        }
        Path work = Files.createTempDirectory("layerswap-coldstart");
        long runtimeBytes = imageMb * 1_000_000 - 1_300_000; // busybox-static is about 1.2 MB
        System.out.printf(Locale.ROOT, "cold-start benchmark: image %d MB (busybox-static + %.1f MB runtime + handler), %d rounds%n",
                imageMb, runtimeBytes / 1e6, rounds);
        List<String> table = new ArrayList<>();
        table.add("| link | mode | p50 ms | p95 ms | p99 ms | layer wait p50 ms | mount p50 ms | start p50 ms | prefetch done before arrival |");
        table.add("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        try (SampleRegistry registry = SampleRegistry.start(work, rounds * 3 + 1, runtimeBytes)) {
            measure(work, registry, bandwidthsMBps, imageMb, rounds, table);
        } finally {
            Trees.deleteTree(work); // refuses to cross a mount left behind (then says which)
        }
        System.out.println();
        table.forEach(System.out::println);
    }

    private static void measure(Path work, SampleRegistry registry, List<Long> bandwidthsMBps, long imageMb, int rounds,
                                List<String> table) throws Exception {
        for (long mbps : bandwidthsMBps) {
            try (LinkProxy link = new LinkProxy(registry.registry.port())) {
                link.throttle(mbps * 1_000_000);
                long leadMs = (long) (1.5 * imageMb * 1000 / mbps) + 1000;
                int fn = 0;
                List<Sample> onDemand = new ArrayList<>();
                List<Sample> prefetch = new ArrayList<>();
                List<Sample> floor = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    onDemand.add(round(work, link, "fn-" + fn++, Mode.ON_DEMAND, leadMs));
                    prefetch.add(round(work, link, "fn-" + fn++, Mode.PREFETCH, leadMs));
                    floor.add(round(work, link, "fn-" + fn++, Mode.FLOOR, leadMs));
                    System.out.printf(Locale.ROOT, "  %d MB/s round %d: on-demand %.1f ms, prefetch %.1f ms, floor %.1f ms%n",
                            mbps, r + 1, onDemand.get(r).firstInstructionMs(), prefetch.get(r).firstInstructionMs(),
                            floor.get(r).firstInstructionMs());
                }
                String link100 = mbps + " MB/s";
                table.add(row(link100, "on-demand pull", onDemand));
                table.add(row(link100, "LayerSwap prefetch (lead " + leadMs / 1000.0 + " s)", prefetch));
                table.add(row(link100, "pre-pulled floor", floor));
                double od = pct(onDemand, 50), pf = pct(prefetch, 50), fl = pct(floor, 50);
                table.add(String.format(Locale.ROOT, "| %s | ratios (p50 / p99) | on-demand/prefetch %.0fx / %.0fx | prefetch/floor %.2fx / %.2fx | | | | | |",
                        link100, od / pf, pct(onDemand, 99) / pct(prefetch, 99), pf / fl, pct(prefetch, 99) / pct(floor, 99)));
            }
        }
    }

    private enum Mode { ON_DEMAND, PREFETCH, FLOOR }

    private static Sample round(Path work, LinkProxy link, String fn, Mode mode, long leadMs) throws Exception {
        Path node = Files.createTempDirectory(work, "node");
        try (Pipeline p = new Pipeline(node, link.url())) {
            List<LayerDescriptor> layers = p.define(fn, "samples/" + fn + ":1");
            boolean hit = false;
            if (mode == Mode.PREFETCH) {
                long t0 = System.currentTimeMillis();
                p.history(fn, 20_000, leadMs); // the invocation arrives on the beat its history predicts
                Thread.sleep(leadMs);
                hit = p.resident(layers);
                System.out.println("    " + fn + ": " + prefetchTimes(p, fn, t0));
            } else if (mode == Mode.FLOOR) {
                p.swap.prefetch(fn);
                long deadline = System.currentTimeMillis() + 600_000;
                while (!(p.resident(layers) && p.swap.composedView().containsKey(fn)) && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
                hit = true;
            }
            ExecutionResult r = p.runner.execute(fn, Map.of());
            if (!r.succeeded()) {
                throw new IllegalStateException(mode + " execution of " + fn + " failed: " + r);
            }
            var c = r.coldStart();
            return new Sample(c.toFirstInstructionMicros() / 1000.0, c.layerWaitMicros() / 1000.0, c.mountMicros() / 1000.0,
                    c.processStartMicros() / 1000.0, hit);
        } finally {
            Trees.deleteTree(node); // the node's store and backend (its roots were unmounted by close)
        }
    }

    /** When the function's prefetches started and ended, ms after its history was given (what the planner did). */
    private static String prefetchTimes(Pipeline p, String fn, long t0) {
        List<String> out = new ArrayList<>();
        for (PrefetchRecord r : p.swap.prefetchHistory(100)) {
            if (r.functionId().equals(fn) && r.priority() == FetchPriority.PREFETCH) {
                out.add(String.format(Locale.ROOT, "prefetch %d..%d ms%s", r.startedMillis() - t0,
                        r.startedMillis() - t0 + r.durationMicros() / 1000, r.succeeded() ? "" : " failed"));
            }
        }
        for (PrefetchRecord r : p.swap.fetchesInFlight()) {
            if (r.functionId().equals(fn)) {
                out.add(String.format(Locale.ROOT, "%s from %d ms, running", r.priority(), r.startedMillis() - t0));
            }
        }
        return out.isEmpty() ? "no prefetch started before the invocation" : String.join(", ", out);
    }

    private static String row(String link, String mode, List<Sample> s) {
        long hits = s.stream().filter(Sample::hit).count();
        return String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %s |", link, mode, pct(s, 50), pct(s, 95),
                pct(s, 99), median(s.stream().mapToDouble(Sample::layerWaitMs).toArray()),
                median(s.stream().mapToDouble(Sample::mountMs).toArray()), median(s.stream().mapToDouble(Sample::processStartMs).toArray()),
                mode.startsWith("on-demand") ? "-" : hits + "/" + s.size());
    }

    /** Nearest-rank percentile of time to first instruction. */
    static double pct(List<Sample> s, double p) {
        double[] v = s.stream().mapToDouble(Sample::firstInstructionMs).sorted().toArray();
        int rank = (int) Math.ceil(p / 100.0 * v.length);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(s.length - 1) / 2];
    }
}
