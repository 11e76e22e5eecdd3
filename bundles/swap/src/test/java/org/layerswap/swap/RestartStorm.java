package org.layerswap.swap;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;
import org.layerswap.fs.overlay.OverlayBackend;
import org.layerswap.store.layers.FileLayerStore;
import org.layerswap.store.layers.StoreSettings;
import org.layerswap.testkit.FakeProfiler;

/**
 * The world of the kill -9 restart test, built the same way by the child that is killed ({@link RestartStormMain}) and
 * by the test that restarts after it: real gzip layer blobs under {@code <work>/blobs}, a layer source serving them
 * (throttled for the big layers, so their prefetches are in flight when the child dies), a real {@link FileLayerStore},
 * real overlay mounts, the swap manager with its prefetch journal, and a catalog file standing in for the H2 catalog
 * (function → stack A or B, written after each swap the way the catalog store saves a definition).
 *
 * <p>Functions: {@code held0}, {@code held1} (stack A, their roots held by open invocations when the child dies, and
 * {@code held0}'s variant root {@code dataset=x}); {@code storm0..2} (swapped between A and B in a loop);
 * {@code bigfn} (three ~3 MB layers, only prefetched).
 */
final class RestartStorm {

    static final List<String> HELD = List.of("held0", "held1");
    static final List<String> STORM = List.of("storm0", "storm1", "storm2");
    static final String BIG = "bigfn";
    static final int BIG_BYTES = 3 << 20;

    final Path work;
    final Map<String, LayerDescriptor> layers = new LinkedHashMap<>();

    RestartStorm(Path work) throws IOException {
        this.work = work;
        Files.createDirectories(work.resolve("blobs"));
        layer("base", 2_000);
        layer("a", 1_000);
        layer("b", 1_000);
        layer("data-x", 1_000);
        for (int i = 0; i < 3; i++) {
            layer("big" + i, BIG_BYTES);
        }
    }

    /** A gzip tar holding {@code <name>.txt} of {@code size} random bytes (seeded by the name); the blob is written once. */
    private void layer(String name, int size) throws IOException {
        byte[] data = new byte[size];
        new Random(name.hashCode()).nextBytes(data);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            TarArchiveEntry e = new TarArchiveEntry(name + ".txt");
            e.setSize(size);
            e.setMode(0644);
            e.setModTime(1_600_000_000_000L);
            tar.putArchiveEntry(e);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        byte[] blob = bytes.toByteArray();
        LayerId id;
        try {
            id = LayerId.of("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path f = work.resolve("blobs").resolve(id.hex());
        if (!Files.exists(f)) {
            Path tmp = Files.createTempFile(work.resolve("blobs"), "blob", ".tmp");
            Files.write(tmp, blob);
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
        }
        layers.put(name, new LayerDescriptor(id, blob.length, LayerDescriptor.OCI_TAR_GZIP));
    }

    LayerDescriptor d(String name) {
        return layers.get(name);
    }

    List<LayerDescriptor> stack(String which) {
        return List.of(d("base"), d(which.equals("B") ? "b" : "a"));
    }

    List<LayerDescriptor> big() {
        return List.of(d("big0"), d("big1"), d("big2"));
    }

    DataLayerBinding binding() {
        return new DataLayerBinding("held0", "dataset", "x", "", "repo/data", List.of(d("data-x")));
    }

    /** The catalog: function → "A" or "B" (every function A until a swap is saved). */
    Map<String, String> catalog() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String fn : all()) {
            out.put(fn, "A");
        }
        Path f = work.resolve("catalog.properties");
        if (Files.exists(f)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(f)) {
                p.load(in);
            }
            p.forEach((k, v) -> out.put(k.toString(), v.toString()));
        }
        return out;
    }

    /** Saves {@code fn}'s stack the way the catalog store would: atomically, after the change. */
    void save(String fn, String which) throws IOException {
        Map<String, String> c = catalog();
        c.put(fn, which);
        Properties p = new Properties();
        p.putAll(c);
        Path tmp = work.resolve("catalog.properties.tmp");
        try (var out = Files.newOutputStream(tmp)) {
            p.store(out, null);
        }
        Files.move(tmp, work.resolve("catalog.properties"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static List<String> all() {
        List<String> out = new ArrayList<>(HELD);
        out.addAll(STORM);
        return out;
    }

    /** Defines every function from the catalog file and binds {@code held0}'s data layer, as the catalog restore does. */
    void define(SwapManagerCore core) throws IOException {
        core.defineLayer("repo/storm", d("b")); // stack B's own layer: known before any function is swapped to it
        catalog().forEach((fn, which) -> core.defineFunction(fn, "repo/" + fn, stack(which)));
        core.defineFunction(BIG, "repo/big", big());
        core.bindDataLayer(binding());
    }

    /** The swap manager with everything real below it. */
    record Node(OverlayBackend backend, FileLayerStore store, SwapManagerCore core, Source source) implements AutoCloseable {
        @Override
        public void close() {
            core.close();
            store.close();
            backend.close();
        }
    }

    Node start(long bigDelayMillis) throws IOException {
        OverlayBackend backend = new OverlayBackend(work.resolve("roots"), 0);
        if (!backend.isAvailable()) {
            throw new IllegalStateException("overlay unavailable: " + backend.unavailableReason());
        }
        backend.recover();
        Source source = new Source(bigDelayMillis);
        FileLayerStore store = new FileLayerStore(StoreSettings.of(work.resolve("store"), 1L << 34).withWorkers(4), source);
        SwapManagerCore core = new SwapManagerCore(SwapSettings.DEFAULT, new FakeProfiler(), store, backend, System::currentTimeMillis);
        core.usePrefetchJournal(work.resolve("journal"));
        return new Node(backend, store, core, source);
    }

    /** Serves the blobs from {@code <work>/blobs} from any offset; the big layers 16 KiB per {@code bigDelayMillis}. */
    final class Source implements LayerSource {
        record Open(LayerId id, long offset) {
        }

        final List<Open> opens = new CopyOnWriteArrayList<>();
        private final long bigDelayMillis;

        Source(long bigDelayMillis) {
            this.bigDelayMillis = bigDelayMillis;
        }

        @Override
        public String name() {
            return "storm";
        }

        @Override
        public ImageManifest resolve(String imageReference) throws LayerSourceException {
            throw new LayerSourceException("the storm source resolves no image", false);
        }

        @Override
        public InputStream openBlob(String repository, LayerDescriptor layer, long offset) throws LayerSourceException {
            opens.add(new Open(layer.id(), offset));
            try {
                InputStream in = Files.newInputStream(work.resolve("blobs").resolve(layer.id().hex()));
                in.skipNBytes(offset);
                if (layer.sizeBytes() < BIG_BYTES || bigDelayMillis <= 0) {
                    return in;
                }
                return new FilterInputStream(in) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        try {
                            Thread.sleep(bigDelayMillis);
                        } catch (InterruptedException e) {
                            throw new InterruptedIOException();
                        }
                        return super.read(b, off, Math.min(len, 16 * 1024));
                    }
                };
            } catch (IOException e) {
                throw new LayerSourceException("storm source: " + e.getMessage(), true, e);
            }
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
