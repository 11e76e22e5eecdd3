package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.ImageConfig;
import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerSourceException;
import org.layerswap.nativeio.NativeIO;
import org.layerswap.oci.format.OciLayoutWriter;
import org.layerswap.source.layout.OciLayoutSource;
import org.layerswap.source.oci.RegistryClient;
import org.layerswap.source.oci.RegistrySettings;
import org.layerswap.source.oci.RegistryPusher;
import org.layerswap.source.oci.testing.FaultProxy;
import org.layerswap.source.oci.testing.LocalRegistry;

/** The store pulling from a real docker-registry on loopback (pushed with skopeo and with our own push code). */
class RegistryStoreTest {

    @TempDir
    static Path work;

    static LocalRegistry registry;
    static Path layout;
    static byte[] bigFile = new byte[4 << 20];
    static boolean whiteouts;

    @BeforeAll
    static void setUp() throws Exception {
        registry = LocalRegistry.start(work.resolve("reg"));
        new Random(42).nextBytes(bigFile);
        layout = work.resolve("layout");
        OciLayoutWriter w = OciLayoutWriter.create(layout);
        whiteouts = NativeIO.tryGet().map(NativeIO::isRoot).orElse(false);
        var base = w.addLayer(t -> t.directory("usr", 0755).directory("usr/lib", 0755).file("usr/lib/big.so", 0755, bigFile)
                .directory("etc", 0755).file("etc/os-release", "ID=layerswap\n").file("etc/motd", "hello\n"));
        var runtime = w.addLayer(t -> t.directory("usr/bin", 0755).file("usr/bin/python3", 0755, "#!py".getBytes())
                .symlink("usr/bin/python", "python3"));
        var app = w.addLayer(t -> {
            t.directory("app", 0755).file("app/handler.py", "def handle(e): return e\n");
            if (whiteouts) {
                t.whiteout("etc/motd");
            }
        });
        w.addImage("fn:1", List.of(base, runtime, app), new ImageConfig(List.of("python3"), List.of("/app/handler.py"), List.of(), "/app"));
        registry.skopeoCopy(layout, "fn:1", "functions/fn:1");
        new RegistryPusher(new RegistryClient(RegistrySettings.of(registry.url()))).pushFromLayout(layout, "fn:1", "functions/own", "1");
    }

    @AfterAll
    static void tearDown() {
        if (registry != null) {
            registry.close();
        }
    }

    static RegistryClient client(String url) {
        return new RegistryClient(RegistrySettings.of(url).withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3))
                .withRetries(3, Duration.ofMillis(50), Duration.ofMillis(500)));
    }

    static List<Path> fetchAll(FileLayerStore s, ImageManifest m) throws Exception {
        List<CompletableFuture<Path>> fs = new ArrayList<>();
        for (LayerDescriptor l : m.layers()) {
            fs.add(s.fetch(m.repository(), l, FetchPriority.ON_DEMAND));
        }
        List<Path> out = new ArrayList<>();
        for (CompletableFuture<Path> f : fs) {
            out.add(f.get(60, TimeUnit.SECONDS));
        }
        return out;
    }

    @Test
    void pullVerifyUnpackAndListTheMergedTree() throws Exception {
        for (String repo : List.of("functions/fn:1", "functions/own:1")) {
            RegistryClient c = client(registry.url());
            ImageManifest m = c.resolve(repo);
            assertEquals(3, m.layers().size());
            try (FileLayerStore s = new FileLayerStore(StoreSettings.of(work.resolve("store-" + repo.hashCode()), 1L << 30), c)) {
                List<Path> dirs = fetchAll(s, m);
                Map<String, String> tree = LayerTrees.merged(dirs);
                Map<String, String> want = new TreeMap<>(Map.of("usr", "d", "usr/lib", "d", "usr/lib/big.so", "f", "etc", "d",
                        "etc/os-release", "f", "usr/bin", "d", "usr/bin/python3", "f", "usr/bin/python", "l", "app", "d",
                        "app/handler.py", "f"));
                if (!whiteouts) {
                    want.put("etc/motd", "f"); // the whiteout layer variant needs root to unpack
                }
                assertEquals(want, tree, "merged tree of " + repo);
                assertArrayEquals(bigFile, Files.readAllBytes(dirs.get(0).resolve("usr/lib/big.so")));
                assertEquals(m.totalSizeBytes(), s.stats().bytesPulled());
                assertEquals(0, s.stats().verifyFailures());
                assertEquals(3, s.resident().size());
            }
        }
    }

    @Test
    void corruptedBlobInTheRegistryIsRefused() throws Exception {
        RegistryClient c = client(registry.url());
        new RegistryPusher(c).pushFromLayout(layout, "fn:1", "functions/corrupt", "1");
        ImageManifest m = c.resolve("functions/corrupt:1");
        LayerDescriptor base = m.layers().get(0);
        Path data = registry.blobData(base.id().digest());
        byte[] original = Files.readAllBytes(data);
        byte[] bad = original.clone();
        bad[bad.length / 3] ^= 0x01; // same size, one bit flipped, served as is by the registry
        Files.write(data, bad);
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(work.resolve("store-corrupt"), 1L << 30), c)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> s.fetch(m.repository(), base, FetchPriority.ON_DEMAND).get(60, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("digest mismatch") && e.getCause().getMessage().contains(base.id().digest()),
                    e.getCause().getMessage());
            assertEquals(1, s.stats().verifyFailures());
            assertFalse(s.isResident(base.id()));
            assertFalse(Files.exists(work.resolve("store-corrupt/blobs/sha256/" + base.id().hex())));
        } finally {
            Files.write(data, original);
        }
    }

    @Test
    void pullInterruptedHalfwayResumesWithRange() throws Exception {
        new RegistryPusher(client(registry.url())).pushFromLayout(layout, "fn:1", "functions/resume", "1");
        try (FaultProxy proxy = new FaultProxy(registry.url())) {
            RegistryClient c = client(proxy.url());
            ImageManifest m = c.resolve("functions/resume:1");
            proxy.cutsLeft.set(1); // the next blob GET is cut after half its bytes
            LayerDescriptor base = m.layers().get(0);
            try (FileLayerStore s = new FileLayerStore(StoreSettings.of(work.resolve("store-resume"), 1L << 30)
                    .withRetries(3, Duration.ofMillis(20)), c)) {
                Path p = s.fetch(m.repository(), base, FetchPriority.ON_DEMAND).get(60, TimeUnit.SECONDS);
                assertArrayEquals(bigFile, Files.readAllBytes(p.resolve("usr/lib/big.so")));
                assertEquals(1, s.resumes());
                // the cut lands near the middle (where exactly depends on socket buffering); the retry must
                // ask for the rest of that blob from where the first response stopped
                var rangeRequests = proxy.seen().stream()
                        .filter(r -> r.path().endsWith("/blobs/" + base.id().digest()) && r.range() != null).toList();
                assertEquals(1, rangeRequests.size(), "one resumed request for the cut blob: " + proxy.seen());
                long from = Long.parseLong(rangeRequests.get(0).range().replaceAll("^bytes=(\\d+)-$", "$1"));
                assertTrue(from > 0 && from < base.sizeBytes(), "resume offset " + from + " of " + base.sizeBytes());
                assertEquals(base.sizeBytes(), s.stats().bytesPulled(), "no byte downloaded twice");
            }
        }
    }

    @Test
    void registryDownFailsTheFetchClearlyInBoundedTime() throws Exception {
        int port = LocalRegistry.freePort();
        RegistryClient c = client("http://127.0.0.1:" + port);
        LayerDescriptor l = client(registry.url()).resolve("functions/fn:1").layers().get(1);
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(work.resolve("store-down"), 1L << 30)
                .withRetries(2, Duration.ofMillis(20)), c)) {
            ExecutionException e = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> assertThrows(ExecutionException.class,
                    () -> s.fetch("functions/fn", l, FetchPriority.ON_DEMAND).get(30, TimeUnit.SECONDS)));
            String msg = e.getCause().getMessage();
            assertTrue(msg.contains("127.0.0.1:" + port) && msg.contains(l.id().digest()), msg);
            assertTrue(e.getCause().getCause() instanceof LayerSourceException lse && lse.retryable(), String.valueOf(e.getCause().getCause()));
            assertFalse(s.isResident(l.id()));
        }
    }

    @Test
    void layoutSourceFeedsTheStoreWithoutAServer() throws Exception {
        OciLayoutSource src = new OciLayoutSource(layout);
        ImageManifest m = src.resolve("fn:1");
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(work.resolve("store-layout"), 1L << 30), src)) {
            List<Path> dirs = fetchAll(s, m);
            assertTrue(LayerTrees.merged(dirs).containsKey("app/handler.py"));
        }
    }
}
