package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.FunctionProfile;
import org.layerswap.api.ImageManifest;
import org.layerswap.containerd.learning.ContainerdLearning;
import org.layerswap.containerd.learning.EventCounters;
import org.layerswap.oci.format.OciLayoutWriter;
import org.layerswap.oci.format.OciManifests;
import org.layerswap.predictor.histogram.HistogramPredictor;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.layerswap.source.layout.OciLayoutSource;
import org.layerswap.source.oci.testing.FaultProxy;
import org.layerswap.source.oci.testing.LocalRegistry;
import org.layerswap.store.layers.FileLayerStore;
import org.layerswap.store.layers.StoreSettings;
import org.layerswap.testkit.Await;

/**
 * The learning loop end to end (root): a real containerd runs a periodic function ({@code ctr run}, labelled with its
 * function id) through the proxy snapshotter; its task starts reach LayerSwap's profiler over containerd's event
 * stream, which follows containerd across a restart. The node then drops the image ({@code ctr images rm}: containerd
 * collects its snapshots). The profiler predicts the next start, so LayerSwap prefetches the image's layers into its
 * store (from the image's OCI layout, the configured layer source) and registers them in containerd as committed
 * snapshots (each Prepare a handshake hit, under a lease). The next start gets only the image's metadata (ctr 1.6 has
 * no lazy pull: an import of its index, manifest and config) and runs: containerd finds the chain committed, never has
 * the layers' blobs, unpacks nothing, and the registry (behind a request-recording proxy) sees no request.
 */
class ContainerdLearningTest {

    static final String FUNCTION = "periodic";
    static final String LABEL = "org.layerswap.function";
    static final Duration PERIOD = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aPeriodicFunctionsStartsReachTheProfilerAndItsNextStartFindsItsLayersRegisteredWithoutFetchingThem() throws Exception {
        ContainerdProxySnapshotterTest.requireRoot();
        Path layout = dir.resolve("layout");
        List<OciLayoutWriter.LayerBlob> blobs = ContainerdProxySnapshotterTest.buildImage(layout);
        ContainerdSettings settings = new ContainerdSettings(true, dir.resolve("ls.sock"), dir.resolve("snap"), false);
        LayerCatalog catalog = new LayerCatalog();
        OciLayoutSource source = new OciLayoutSource(layout);
        ProfilerEngine profiler = new ProfilerEngine(ProfilerSettings.defaults(), new HistogramPredictor());
        SnapshotterServer server = null;
        ContainerdHarness containerd = null;
        ContainerdLearning learning = null;
        try (FileLayerStore store = new FileLayerStore(StoreSettings.of(dir.resolve("store"), 1L << 30), source);
             LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"));
             FaultProxy proxy = new FaultProxy(registry.url())) {
            registry.skopeoCopy(layout, "fn:1", "fn:1");
            String ref = proxy.url().substring("http://".length()) + "/fn:1"; // every request containerd makes is seen
            server = SnapshotterServer.start(settings, Clock.systemUTC(), StoreLayers.of(store), catalog);
            containerd = ContainerdHarness.start(dir.resolve("cd"), settings.socket());
            learning = ContainerdLearning.start(new ContainerdLearning.Settings(containerd.address(), "layerswap", LABEL,
                    600_000, 600_000, 0, dir.resolve("snap/predicted-records.json")), profiler, store, () -> List.of(source), catalog);
            store.events().add(learning.storeListener());
            ContainerdLearning l = learning;
            Await.until(Duration.ofSeconds(30), l::connected, () -> "subscribed to containerd's events");

            containerd.ctr("images", "pull", "--plain-http", "--snapshotter", "layerswap", ref);
            for (OciLayoutWriter.LayerBlob b : blobs) {
                assertEquals(1, blobGets(proxy.seen(), b), "the first pull fetched each layer: " + proxy.seen());
            }
            // containerd restarts: the subscription follows it (the runs below are recorded through the new one)
            containerd.close();
            containerd = null;
            containerd = ContainerdHarness.start(dir.resolve("cd"), settings.socket());
            Await.until(Duration.ofSeconds(30), () -> l.connected() && l.reconnects() == 1,
                    () -> "subscribed again after containerd's restart: " + l.reconnects());

            // a periodic function: a start every PERIOD (the prediction is evaluated well within a period of the last one)
            for (int run = 1; run <= 3; run++) {
                if (run > 1) {
                    Thread.sleep(PERIOD.toMillis());
                }
                String out = containerd.ctr("run", "--rm", "--snapshotter", "layerswap", "--label", LABEL + "=" + FUNCTION, ref,
                        FUNCTION + "-" + run, "/bin/sh", "-c", "busybox sleep 1; /fn/handler.sh");
                assertTrue(out.contains(ContainerdProxySnapshotterTest.GREETING), out);
            }
            Await.until(Duration.ofSeconds(30), () -> invocations(profiler) == 3,
                    () -> "the profiler recorded the 3 starts: " + invocations(profiler) + ", events " + l.events());
            EventCounters.Counts events = learning.events();
            assertEquals(0, events.dropped(), "every event was usable: " + events);
            assertEquals(4, events.mapped(), "3 starts and the image's creation: " + events);
            assertTrue(events.seen() >= 3 * 3 + 1, "creates, starts and exits of 3 runs and the image: " + events);
            assertEquals(1, learning.images().size(), "the image resolved through the layer source");

            // the node drops the image: containerd collects its snapshots from the proxy
            containerd.ctr("images", "rm", "--sync", ref);
            SnapshotterServer s = server;
            Await.until(Duration.ofSeconds(30), () -> s.snapshotter().list(i -> true).isEmpty(),
                    () -> "containerd collected the image's snapshots: " + s.snapshotter().list(i -> true));

            RemoteHandshake.Stats before = server.handshakes();
            List<CompletableFuture<Boolean>> ready = learning.evaluateNow();
            assertEquals(1, ready.size(), "the periodic function is predicted to start again");
            assertTrue(ready.get(0).get(60, TimeUnit.SECONDS), "its image was registered in containerd");
            assertEquals(before.hits() + blobs.size(), server.handshakes().hits(), "each layer answered from the store");
            for (OciLayoutWriter.LayerBlob b : blobs) {
                assertTrue(store.isResident(b.descriptor().id()), "prefetched into the store: " + b.descriptor().id());
            }
            assertEquals(1, learning.predicted().registrations().size());

            // the next start: ctr 1.6 has no lazy pull (its pull fetches every layer first), so the image's metadata
            // arrives as an archive of its index, manifest and config only; its layers exist nowhere in containerd
            int before4th = proxy.seen().size();
            containerd.ctr("images", "import", "--snapshotter", "layerswap", metadataOnly(layout, dir.resolve("meta.tar")).toString());
            String name = containerd.ctr("images", "ls", "-q").lines().filter(n -> !n.isBlank()).findFirst().orElseThrow();
            int dirsBefore = server.snapshotter().dirs().present().size();
            String out = containerd.ctr("run", "--rm", "--snapshotter", "layerswap", "--label", LABEL + "=" + FUNCTION, name,
                    FUNCTION + "-4", "/bin/sh", "-c", "/fn/handler.sh");
            assertTrue(out.contains(ContainerdProxySnapshotterTest.GREETING), "the next start ran over the registered layers: " + out);
            assertEquals(List.of(), proxy.seen().subList(before4th, proxy.seen().size()), "the registry saw no request");
            String content = containerd.ctr("content", "ls", "-q");
            for (OciLayoutWriter.LayerBlob b : blobs) {
                assertFalse(content.contains(b.descriptor().id().digest()), "containerd never had the layer's blob: " + content);
            }
            SnapshotterServer after = server;
            Await.until(Duration.ofSeconds(30), () -> after.snapshotter().list(i -> true).size() == blobs.size(),
                    () -> "nothing was unpacked: only the container's own snapshot came (and is collected): "
                            + after.snapshotter().list(i -> true));
            assertEquals(dirsBefore, server.snapshotter().dirs().present().size(), "no snapshot directory was added");
            Await.until(Duration.ofSeconds(30), () -> invocations(profiler) == 4, () -> "the 4th start was recorded");
        } finally {
            if (learning != null) {
                learning.close();
            }
            if (containerd != null) {
                containerd.close();
            }
            if (server != null) {
                server.close();
            }
            ContainerdProxySnapshotterTest.unmountLeftovers(dir);
        }
    }

    /** An OCI archive of the layout without its layer blobs: index, manifest and config (what a lazy pull fetches). */
    static Path metadataOnly(Path layout, Path tar) throws Exception {
        return metadataOnly(layout, "fn:1", tar);
    }

    /** {@link #metadataOnly(Path, Path)} of the layout's image {@code ref}. */
    static Path metadataOnly(Path layout, String ref, Path tar) throws Exception {
        ImageManifest m = new OciLayoutSource(layout).resolve(ref);
        String manifest = m.manifestDigest().substring("sha256:".length());
        String config = OciManifests.parseManifest(Files.readAllBytes(layout.resolve("blobs/sha256/" + manifest))).config().digest()
                .substring("sha256:".length());
        Process p = new ProcessBuilder("tar", "-C", layout.toString(), "-cf", tar.toString(), "oci-layout", "index.json",
                "blobs/sha256/" + manifest, "blobs/sha256/" + config).inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "tar of the image's metadata");
        return tar;
    }

    private static long blobGets(List<FaultProxy.Seen> seen, OciLayoutWriter.LayerBlob b) {
        return seen.stream().filter(r -> r.method().equals("GET") && r.path().endsWith("/blobs/" + b.descriptor().id().digest())).count();
    }

    private static long invocations(ProfilerEngine profiler) {
        FunctionProfile p = profiler.profiles().profile(FUNCTION);
        return p == null ? 0 : p.invocationCount();
    }
}
