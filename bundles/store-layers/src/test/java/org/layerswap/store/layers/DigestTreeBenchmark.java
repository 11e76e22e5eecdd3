package org.layerswap.store.layers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.fs.common.Trees;

/**
 * Not a test: what the digest tree costs on the pull and on the enter path. Usage:
 * {@code DigestTreeBenchmark <layer.tar[.gz]> [rounds=5]}. Prints medians of
 * <ol>
 * <li>an on-demand fetch of the layer through a {@link FileLayerStore} (in-memory source: digest check, unpack,
 * commit, digest tree), a fresh store each round;</li>
 * <li>{@code acquire} + {@code close} of that resident layer with the default settings (absolute symlinks allowed, as distro layers need);</li>
 * <li>{@link LayerTree#check} (the stat walk acquire runs when it checks) of that layer and of synthetic layers of
 * 2 000 and 20 000 small files.</li>
 * </ol>
 * Uses only API that predates hashing-while-unpacking, so the same file measures the code before and after.
 */
public final class DigestTreeBenchmark {

    public static void main(String[] args) throws Exception {
        byte[] blob = Files.readAllBytes(Path.of(args[0]));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path work = Files.createTempDirectory("layerswap-tree-bench");
        try {
            FakeSource source = new FakeSource();
            LayerDescriptor layer = source.add(blob);
            long[] fetch = new long[rounds];
            long[] acquire = new long[rounds];
            Path unpacked = null;
            for (int r = 0; r < rounds; r++) {
                Path root = work.resolve("store" + r);
                try (FileLayerStore s = new FileLayerStore(StoreSettings.of(root, 1L << 40)
                        .withLimits(UnpackLimits.DEFAULT.withAbsoluteSymlinks(true)), source)) {
                    long t0 = System.nanoTime();
                    unpacked = s.fetch("bench", layer, FetchPriority.ON_DEMAND).get(10, TimeUnit.MINUTES);
                    fetch[r] = System.nanoTime() - t0;
                    long[] each = new long[50];
                    for (int i = 0; i < each.length; i++) {
                        long a0 = System.nanoTime();
                        s.acquire(layer.id()).close();
                        each[i] = System.nanoTime() - a0;
                    }
                    acquire[r] = median(each);
                }
                if (r < rounds - 1) {
                    Trees.deleteTree(root);
                }
            }
            long files;
            try (var walk = Files.walk(unpacked)) {
                files = walk.count();
            }
            System.out.printf("layer %s: %.1f MB compressed, %d entries%n", args[0], blob.length / 1e6, files);
            System.out.printf("fetch (verify + unpack + commit + digest tree): median %.0f ms over %d rounds%n", median(fetch) / 1e6,
                    rounds);
            System.out.printf("acquire + close, default settings: median %.3f ms%n", median(acquire) / 1e6);
            System.out.printf("check of that layer: median %.1f ms%n", checkMillis(unpacked, rounds));
            for (int n : new int[] {2_000, 20_000}) {
                Path d = Files.createDirectories(work.resolve("synthetic" + n));
                for (int i = 0; i < n; i++) {
                    Path sub = Files.createDirectories(d.resolve("d" + (i / 100)));
                    Files.writeString(sub.resolve("f" + i), "content " + i);
                }
                System.out.printf("check of %d files: median %.1f ms%n", n, checkMillis(d, rounds));
            }
        } finally {
            Trees.deleteTree(work);
        }
    }

    private static double checkMillis(Path dir, int rounds) throws Exception {
        LayerTree tree = LayerTree.scan(dir);
        long[] t = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            LayerTree.Verdict v = tree.check(dir);
            t[r] = System.nanoTime() - t0;
            if (v.kind() != LayerTree.Verdict.Kind.INTACT) {
                throw new IllegalStateException("benchmark layer changed: " + v.reason());
            }
        }
        return median(t) / 1e6;
    }

    private static long median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private DigestTreeBenchmark() {
    }
}
