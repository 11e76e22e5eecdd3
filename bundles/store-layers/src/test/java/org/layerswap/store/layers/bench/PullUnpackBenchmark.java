package org.layerswap.store.layers.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.layerswap.api.FetchPriority;
import org.layerswap.api.ImageConfig;
import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.fs.common.Trees;
import org.layerswap.oci.format.OciLayoutWriter;
import org.layerswap.source.oci.RegistryClient;
import org.layerswap.source.oci.RegistrySettings;
import org.layerswap.source.oci.testing.LocalRegistry;
import org.layerswap.store.layers.FileLayerStore;
import org.layerswap.store.layers.StoreSettings;
import org.layerswap.store.layers.TarUnpacker;
import org.layerswap.store.layers.UnpackLimits;

/**
 * Not a test: pull and unpack throughput against a real docker-registry on loopback, with
 * {@code skopeo copy} (pull + verify + write blobs) and GNU {@code tar -xzf} (unpack) measured in the
 * same run as baselines. Usage: {@code PullUnpackBenchmark [totalMiB=192] [layers=4] [rounds=3]}.
 * Prints medians and ratios.
 */
public final class PullUnpackBenchmark {

    public static void main(String[] args) throws Exception {
        int totalMiB = args.length > 0 ? Integer.parseInt(args[0]) : 192;
        int layerCount = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path work = Files.createTempDirectory("layerswap-bench");
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("reg"))) {
            Path layout = work.resolve("layout");
            OciLayoutWriter w = OciLayoutWriter.create(layout);
            List<OciLayoutWriter.LayerBlob> layers = new ArrayList<>();
            long perLayer = (long) totalMiB << 20 / layerCount;
            perLayer = ((long) totalMiB << 20) / layerCount;
            for (int i = 0; i < layerCount; i++) {
                layers.add(w.addLayer(generator(i, perLayer)));
            }
            w.addImage("bench:1", layers, ImageConfig.EMPTY);
            long compressed = layers.stream().mapToLong(l -> l.descriptor().sizeBytes()).sum();
            long uncompressed = layers.stream().mapToLong(OciLayoutWriter.LayerBlob::uncompressedSize).sum();
            System.out.printf("image: %d layers, %.1f MiB compressed (gzip -1), %.1f MiB uncompressed tar%n",
                    layerCount, mib(compressed), mib(uncompressed));

            long t0 = System.nanoTime();
            registry.skopeoCopy(layout, "bench:1", "bench/img:1");
            System.out.printf("push (skopeo copy oci: -> docker://): %.2f s%n", secs(System.nanoTime() - t0));

            double[] skopeoPull = new double[rounds];
            double[] ourPull = new double[rounds];
            double[] ourUnpack = new double[rounds];
            double[] tarUnpack = new double[rounds];
            double[] storeEndToEnd = new double[rounds];
            RegistryClient client = new RegistryClient(RegistrySettings.of(registry.url()));
            ImageManifest m = client.resolve("bench/img:1");
            for (int r = 0; r < rounds; r++) {
                // baseline pull: skopeo copy docker:// -> oci: (verifies digests, writes blobs)
                Path dst = work.resolve("skopeo-" + r);
                long s0 = System.nanoTime();
                run("skopeo", "--insecure-policy", "copy", "--quiet", "--src-tls-verify=false",
                        "docker://" + registry.hostPort() + "/bench/img:1", "oci:" + dst + ":x");
                skopeoPull[r] = secs(System.nanoTime() - s0);
                Trees.deleteTree(dst);

                // our pull: the same streaming + sha256 + fsync + rename the store does, layers in parallel like skopeo
                Path blobs = Files.createDirectories(work.resolve("pull-" + r));
                long p0 = System.nanoTime();
                List<CompletableFuture<Void>> fs = new ArrayList<>();
                for (LayerDescriptor l : m.layers()) {
                    fs.add(CompletableFuture.runAsync(() -> pullOne(client, m.repository(), l, blobs)));
                }
                for (CompletableFuture<Void> f : fs) {
                    f.get(10, TimeUnit.MINUTES);
                }
                ourPull[r] = secs(System.nanoTime() - p0);

                // our unpack vs GNU tar, same blobs, sequential
                long u0 = System.nanoTime();
                for (LayerDescriptor l : m.layers()) {
                    Path out = Files.createDirectories(work.resolve("unpack-" + r + "/" + l.id().hex()));
                    try (InputStream in = Files.newInputStream(blobs.resolve(l.id().hex()))) {
                        new TarUnpacker(UnpackLimits.DEFAULT).unpack(in, out);
                    }
                }
                ourUnpack[r] = secs(System.nanoTime() - u0);
                Trees.deleteTree(work.resolve("unpack-" + r));
                long g0 = System.nanoTime();
                for (LayerDescriptor l : m.layers()) {
                    Path out = Files.createDirectories(work.resolve("tar-" + r + "/" + l.id().hex()));
                    run("tar", "-xzf", blobs.resolve(l.id().hex()).toString(), "-C", out.toString());
                }
                tarUnpack[r] = secs(System.nanoTime() - g0);
                Trees.deleteTree(work.resolve("tar-" + r));
                Trees.deleteTree(blobs);

                // the store end to end: pull + verify + unpack + commit, all layers ON_DEMAND
                Path root = work.resolve("store-" + r);
                try (FileLayerStore store = new FileLayerStore(StoreSettings.of(root, 1L << 40), client)) {
                    long e0 = System.nanoTime();
                    List<CompletableFuture<Path>> ps = new ArrayList<>();
                    for (LayerDescriptor l : m.layers()) {
                        ps.add(store.fetch(m.repository(), l, FetchPriority.ON_DEMAND));
                    }
                    for (CompletableFuture<Path> p : ps) {
                        p.get(10, TimeUnit.MINUTES);
                    }
                    storeEndToEnd[r] = secs(System.nanoTime() - e0);
                }
                Trees.deleteTree(root);
                System.out.printf("round %d: skopeo pull %.2f s, our pull %.2f s, our unpack %.2f s, tar -xzf %.2f s, store end-to-end %.2f s%n",
                        r + 1, skopeoPull[r], ourPull[r], ourUnpack[r], tarUnpack[r], storeEndToEnd[r]);
            }
            double sp = median(skopeoPull);
            double op = median(ourPull);
            double ou = median(ourUnpack);
            double tu = median(tarUnpack);
            double se = median(storeEndToEnd);
            System.out.println();
            System.out.printf("| measurement (median of %d) | seconds | MiB/s compressed | MiB/s uncompressed |%n", rounds);
            System.out.println("|---|---:|---:|---:|");
            row("pull: LayerSwap RegistryClient (stream, sha256, fsync, rename)", op, compressed, uncompressed);
            row("pull: skopeo copy docker:// -> oci: (baseline)", sp, compressed, uncompressed);
            row("unpack: LayerSwap TarUnpacker (gzip)", ou, compressed, uncompressed);
            row("unpack: GNU tar -xzf (baseline)", tu, compressed, uncompressed);
            row("store fetch end to end (pull + verify + unpack + commit)", se, compressed, uncompressed);
            System.out.println();
            System.out.printf("ratio pull   LayerSwap / skopeo : %.2fx (higher = LayerSwap faster)%n", sp / op);
            System.out.printf("ratio unpack LayerSwap / GNU tar: %.2fx (higher = LayerSwap faster)%n", tu / ou);
            System.out.printf("ratio store end-to-end / (skopeo pull + tar unpack): %.2fx%n", (sp + tu) / se);
        } finally {
            Trees.deleteTree(work);
        }
    }

    private static void row(String what, double s, long compressed, long uncompressed) {
        System.out.printf("| %s | %.2f | %.1f | %.1f |%n", what, s, mib(compressed) / s, mib(uncompressed) / s);
    }

    private static void pullOne(RegistryClient client, String repo, LayerDescriptor l, Path dir) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            Path tmp = dir.resolve(l.id().hex() + ".part");
            try (InputStream in = new DigestInputStream(client.openBlob(repo, l, 0), md);
                 var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
                OutputStream out = java.nio.channels.Channels.newOutputStream(ch);
                in.transferTo(out);
                ch.force(true);
            }
            String got = "sha256:" + HexFormat.of().formatHex(md.digest());
            if (!got.equals(l.id().digest())) {
                throw new IllegalStateException("digest mismatch " + got);
            }
            Files.move(tmp, dir.resolve(l.id().hex()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Layer content: files of 4 KiB..1 MiB, half random bytes, half text, so gzip gets ~2x like real images. */
    private static OciLayoutWriter.LayerContent generator(int layer, long bytes) {
        return t -> {
            Random rnd = new Random(layer * 7919L);
            byte[] text = ("lorem ipsum dolor sit amet " + layer + " consectetur adipiscing elit\n").repeat(4096)
                    .getBytes(StandardCharsets.US_ASCII);
            long left = bytes;
            int n = 0;
            t.directory("l" + layer, 0755);
            while (left > 0) {
                int size = (int) Math.min(left, 4096 + rnd.nextInt(1 << 20));
                byte[] b = new byte[size];
                rnd.nextBytes(b);
                int textPart = size / 2;
                for (int off = 0; off < textPart; off += text.length) {
                    System.arraycopy(text, 0, b, off, Math.min(text.length, textPart - off));
                }
                if (n % 64 == 0) {
                    t.directory("l" + layer + "/d" + n, 0755);
                }
                t.file("l" + layer + "/d" + (n / 64 * 64) + "/f" + n, 0644, b);
                left -= size;
                n++;
            }
        };
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(Arrays.toString(cmd) + " failed: " + out);
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    private static double mib(long b) {
        return b / 1048576.0;
    }
}
