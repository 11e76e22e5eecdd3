package org.layerswap.fs.overlay.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.layerswap.fs.common.MountTable;
import org.layerswap.fs.common.Trees;
import org.layerswap.fs.overlay.OverlayBackend;

/**
 * Swap-storm driver for profiling (strace/perf) outside JMH: back-to-back composes of one function while
 * the backend's own background cleanup runs. Prints p50/p90/p99/max in microseconds.
 * Args: base layers swaps [graceMillis]
 */
public final class SwapStormMain {

    private SwapStormMain() {
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args.length > 0 ? args[0] : "/tmp");
        int layers = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int swaps = args.length > 2 ? Integer.parseInt(args[2]) : 3000;
        long grace = args.length > 3 ? Long.parseLong(args[3]) : 50;
        Path dir = Files.createTempDirectory(base, "lsstorm");
        OverlayBackend b = new OverlayBackend(dir.resolve("r"), grace);
        if (!b.isAvailable()) {
            throw new IllegalStateException(b.unavailableReason());
        }
        List<Path> a = new ArrayList<>();
        List<Path> c = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            a.add(layer(dir, "a" + i));
            c.add(layer(dir, "b" + i));
        }
        b.compose("fn", a);
        long[] t = new long[swaps];
        for (int i = 0; i < swaps; i++) {
            long t0 = System.nanoTime();
            b.compose("fn", (i & 1) == 0 ? c : a);
            t[i] = System.nanoTime() - t0;
        }
        int warm = swaps / 5;
        long[] m = Arrays.copyOfRange(t, warm, swaps);
        Arrays.sort(m);
        System.out.printf("storm base=%s layers=%d swaps=%d: p50 %d p90 %d p99 %d max %d us%n", base, layers, m.length,
                m[m.length / 2] / 1000, m[(int) (m.length * 0.9)] / 1000, m[(int) (m.length * 0.99)] / 1000, m[m.length - 1] / 1000);
        System.out.println("at the end of the storm: " + b.pendingGenerations() + " retired generations pending, "
                + MountTable.read().countUnder(dir) + " mounts, " + b.generationsDestroyed() + " destroyed");
        b.close();
        int left = MountTable.read().countUnder(dir);
        Trees.deleteTree(dir);
        System.out.println("mounts left: " + left);
    }

    private static Path layer(Path dir, String name) throws java.io.IOException {
        Path l = Files.createDirectories(dir.resolve("layers").resolve(name));
        Files.writeString(l.resolve(name), name);
        return l;
    }
}
