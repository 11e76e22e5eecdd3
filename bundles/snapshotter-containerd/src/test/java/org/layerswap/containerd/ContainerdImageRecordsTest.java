package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;
import org.layerswap.api.ContainerdView;
import org.layerswap.containerd.learning.ContainerdConnection;
import org.layerswap.containerd.learning.ContainerdLearning;
import org.layerswap.containerd.learning.CreatedRecords;
import org.layerswap.containerd.learning.GrpcImageRegistry;
import org.layerswap.containerd.learning.GrpcSnapshotRegistry;
import org.layerswap.containerd.learning.ImageDocuments;
import org.layerswap.containerd.learning.KnownImage;
import org.layerswap.containerd.learning.PresentImages;
import org.layerswap.predictor.histogram.HistogramPredictor;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.layerswap.store.layers.FileLayerStore;
import org.layerswap.store.layers.StoreSettings;
import org.layerswap.testkit.Await;

/**
 * The content and image writer against a real containerd (root; CRI off): documents read through a layer source land
 * in containerd's content store with the collector's labels, the image record is created, a record the platform made
 * is left alone, the list of created records survives a restart (lapsed ones deleted then, also by the learning loop at
 * its start), and bad documents are refused naming what was wrong.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ContainerdImageRecordsTest {

    static final String NS = "layerswap-test";
    static final String LAYER = "sha256:" + "ab".repeat(32);
    static final String DIFF = "sha256:" + "cd".repeat(32);
    /** A prediction that does not lapse within a test. */
    static final long UNTIL = Long.MAX_VALUE;

    @TempDir
    Path dir;
    ContainerdHarness containerd;
    ContainerdConnection connection;
    final byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
            + DIFF + "\"]}}").getBytes(StandardCharsets.UTF_8);
    final String configDigest = sha(config);
    final byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
            + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},"
            + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + LAYER + "\",\"size\":42}]}")
            .getBytes(StandardCharsets.UTF_8);
    final String manifestDigest = sha(manifest);

    /** A source holding the manifest and config (and nothing else), as a registry or layout would serve them. */
    final LayerSource source = serving(manifest, manifestDigest, config, configDigest);

    /**
     * A source answering {@code manifest} for {@code manifestDigest} and {@code config} for {@code configDigest}; a null
     * digest: for any digest (a source that lies).
     */
    static LayerSource serving(byte[] manifest, String manifestDigest, byte[] config, String configDigest) {
        return new LayerSource() {
            @Override
            public String name() {
                return "memory";
            }

            @Override
            public ImageManifest resolve(String ref) throws LayerSourceException {
                throw new LayerSourceException("not used", false);
            }

            @Override
            public InputStream openBlob(String repository, LayerDescriptor layer, long offset) throws LayerSourceException {
                if (configDigest != null && !layer.id().digest().equals(configDigest)) {
                    throw new LayerSourceException("memory has no blob " + layer.id(), false);
                }
                return new ByteArrayInputStream(config);
            }

            @Override
            public byte[] manifestBytes(String repository, String digest) throws LayerSourceException {
                if (manifestDigest != null && !digest.equals(manifestDigest)) {
                    throw new LayerSourceException("memory has no manifest " + digest, false);
                }
                return manifest;
            }
        };
    }

    @BeforeEach
    void start() throws Exception {
        containerd = ContainerdHarness.start(dir.resolve("cd"), dir.resolve("none.sock"));
        connection = new ContainerdConnection(containerd.address());
    }

    @AfterEach
    void stop() throws Exception {
        connection.close();
        containerd.close();
    }

    KnownImage image(String name) {
        return KnownImage.of(name, "fn", List.of(new LayerDescriptor(LayerId.of(LAYER), 42, null)), List.of(DIFF));
    }

    @Test
    void aPresentImageHasItsDocumentsWithTheCollectorsLabelsAndItsRecordAndTheRecordGoesOnRelease() throws Exception {
        new GrpcSnapshotRegistry(connection, "layerswap").createLease(NS, "l-1", Instant.now().plusSeconds(600));
        PresentImages present = new PresentImages(new GrpcImageRegistry(connection), "layerswap",
                i -> ImageDocuments.read(source, "fn", manifestDigest));
        assertEquals(List.of("reg.example:5000/fn:1"), present.make(NS, "l-1", image("reg.example:5000/fn:1"), UNTIL));

        String content = containerd.ctr("content", "ls");
        assertTrue(content.contains(configDigest) && content.contains("containerd.io/gc.ref.snapshot.layerswap=" + DIFF), content);
        assertTrue(content.contains(manifestDigest) && content.contains("containerd.io/gc.ref.content.config=" + configDigest)
                && content.contains("containerd.io/gc.ref.content.l.0=" + LAYER), content);
        String images = containerd.ctr("images", "ls");
        assertTrue(images.contains("reg.example:5000/fn:1") && images.contains(manifestDigest), images);
        assertTrue(containerd.ctr("leases", "ls").contains("l-1"));

        // made present again (a renewal): the documents are there already, the record is ours: nothing new, no error
        assertEquals(List.of(), present.make(NS, "l-1", image("reg.example:5000/fn:1"), UNTIL));
        present.release(NS, image("reg.example:5000/fn:1"));
        assertFalse(containerd.ctr("images", "ls", "-q").contains("reg.example:5000/fn:1"));
    }

    @Test
    void anImageRecordThePlatformCreatedOrRewroteIsLeftAloneOnRelease() throws Exception {
        GrpcImageRegistry registry = new GrpcImageRegistry(connection);
        PresentImages present = new PresentImages(registry, "layerswap", i -> ImageDocuments.read(source, "fn", manifestDigest));
        new GrpcSnapshotRegistry(connection, "layerswap").createLease(NS, "l-2", Instant.now().plusSeconds(600));
        present.make(NS, "l-2", image("fn:1"), UNTIL);
        containerd.ctr("images", "tag", "fn:1", "fn:platform"); // the platform's own record of the same image

        assertEquals(List.of(), present.make(NS, "l-2", image("fn:platform"), UNTIL));
        present.make(NS, "l-2", image("fn:relabelled"), UNTIL);
        containerd.ctr("images", "label", "fn:relabelled", "org.layerswap.predicted="); // rewritten since: the platform's now
        present.release(NS, image("fn:relabelled"));
        assertTrue(containerd.ctr("images", "ls", "-q").contains("fn:relabelled"));
        present.release(NS, image("fn:platform"));
        present.release(NS, image("fn:1"));
        String images = containerd.ctr("images", "ls", "-q");
        assertTrue(images.contains("fn:platform"), images);
        assertFalse(images.contains("fn:1"), images);
        assertEquals(List.of(), present.records());
    }

    @Test
    void recordsMadeBeforeARestartAreDeletedOnceTheirPredictionLapsedAndOnlyWhileStillLabelled() throws Exception {
        Path file = dir.resolve("state/" + CreatedRecords.FILE);
        GrpcImageRegistry registry = new GrpcImageRegistry(connection);
        PresentImages.Documents docs = i -> ImageDocuments.read(source, "fn", manifestDigest);
        new GrpcSnapshotRegistry(connection, "layerswap").createLease(NS, "l-4", Instant.now().plusSeconds(600));
        PresentImages before = new PresentImages(registry, "layerswap", docs, CreatedRecords.open(file));
        before.make(NS, "l-4", image("fn:lapsed"), 1_000);
        before.make(NS, "l-4", image("fn:relabelled"), 1_000);
        before.make(NS, "l-4", image("fn:live"), 5_000);
        containerd.ctr("images", "label", "fn:relabelled", "org.layerswap.predicted="); // the platform's now

        // LayerSwap restarts: the new instance reads the list back and deletes what lapsed meanwhile
        PresentImages after = new PresentImages(registry, "layerswap", docs, CreatedRecords.open(file));
        assertEquals(List.of("fn:lapsed", "fn:relabelled", "fn:live"), after.records().stream().map(CreatedRecords.Record::name).toList());
        assertEquals(2, after.lapse(2_000));
        String images = containerd.ctr("images", "ls", "-q");
        assertFalse(images.lines().toList().contains("fn:lapsed"), images);
        assertTrue(images.lines().toList().containsAll(List.of("fn:relabelled", "fn:live")), images);
        List<CreatedRecords.Record> live = List.of(new CreatedRecords.Record(NS, "fn:live", "fn:live", "l-4", 5_000));
        assertEquals(live, after.records());
        assertEquals(live, CreatedRecords.open(file).all(), "the file says the same");

        after.lapse(5_000);
        assertFalse(containerd.ctr("images", "ls", "-q").lines().toList().contains("fn:live"));
        assertEquals(List.of(), CreatedRecords.open(file).all());
    }

    @Test
    void atStartTheLearningLoopDeletesThePreviousRunsLapsedRecordsAndShowsTheOthersInItsStatus() throws Exception {
        Path file = dir.resolve("snap/" + CreatedRecords.FILE);
        new GrpcSnapshotRegistry(connection, "layerswap").createLease(NS, "l-5", Instant.now().plusSeconds(600));
        PresentImages previousRun = new PresentImages(new GrpcImageRegistry(connection), "layerswap",
                i -> ImageDocuments.read(source, "fn", manifestDigest), CreatedRecords.open(file));
        long now = System.currentTimeMillis();
        previousRun.make(NS, "l-5", image("fn:lapsed"), now - 1);
        previousRun.make(NS, "l-5", image("fn:live"), now + 600_000);

        ContainerdLearning learning = null;
        try (FileLayerStore store = new FileLayerStore(StoreSettings.of(dir.resolve("store"), 1L << 30), source)) {
            learning = ContainerdLearning.start(new ContainerdLearning.Settings(containerd.address(), "layerswap", "", 600_000, 600_000, 0,
                    file), new ProfilerEngine(ProfilerSettings.defaults(), new HistogramPredictor()), store, List::of, new LayerCatalog());
            ContainerdLearning l = learning;
            Await.until(Duration.ofSeconds(30), () -> !names().contains("fn:lapsed"), () -> "the lapsed record deleted: " + names());
            assertTrue(names().contains("fn:live"), names()::toString);
            assertEquals(List.of(new ContainerdView.ImageRecord(NS, "fn:live", "l-5")), StatusReport.of(null, "", learning).imageRecords());
        } finally {
            if (learning != null) {
                learning.close();
            }
        }
    }

    @Test
    void underCrisNamespaceTheRecordsAreThoseCrisPullMakesLabelledManaged() throws Exception {
        new GrpcSnapshotRegistry(connection, "layerswap").createLease(PresentImages.CRI_NAMESPACE, "l-3", Instant.now().plusSeconds(600));
        PresentImages present = new PresentImages(new GrpcImageRegistry(connection), "layerswap",
                i -> ImageDocuments.read(source, "fn", manifestDigest));
        assertEquals(List.of("reg.example:5000/fn:1", "reg.example:5000/fn@" + manifestDigest, configDigest),
                present.make(PresentImages.CRI_NAMESPACE, "l-3", image("reg.example:5000/fn:1"), UNTIL));
        String images = containerd.ctrIn(PresentImages.CRI_NAMESPACE, "images", "ls");
        assertEquals(3, images.lines().filter(l -> l.contains("io.cri-containerd.image=managed")).count(), images);
    }

    @Test
    void anUnknownDigestOrADocumentOfTheWrongSizeOrDigestIsRefusedNamingWhatWasWrong() throws Exception {
        String unknown = "sha256:" + "ee".repeat(32);
        LayerSourceException e = assertThrows(LayerSourceException.class, () -> ImageDocuments.read(source, "fn", unknown));
        assertTrue(e.getMessage().contains("no manifest " + unknown), e.getMessage());

        GrpcImageRegistry registry = new GrpcImageRegistry(connection);
        ImageDocuments.Blob shortened = new ImageDocuments.Blob("application/octet-stream", configDigest, config.length + 5, config);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> registry.writeContent(NS, "", shortened, Map.of()));
        assertTrue(refused.getMessage().contains("containerd refused blob " + configDigest), refused.getMessage());
        assertFalse(containerd.ctr("content", "ls", "-q").contains(configDigest));

        LayerSource lying = serving(manifest, null, "{}".getBytes(StandardCharsets.UTF_8), null);
        IllegalArgumentException wrongDigest = assertThrows(IllegalArgumentException.class, () -> ImageDocuments.read(lying, "fn", unknown));
        assertTrue(wrongDigest.getMessage().contains("manifest " + unknown + " has digest " + manifestDigest), wrongDigest.getMessage());
        IllegalArgumentException wrongSize = assertThrows(IllegalArgumentException.class,
                () -> ImageDocuments.read(lying, "fn", manifestDigest));
        assertTrue(wrongSize.getMessage().contains("config " + configDigest + " is 2 bytes, its descriptor says " + config.length),
                wrongSize.getMessage());
    }

    /** The image records in {@link #NS}. */
    List<String> names() {
        try {
            return containerd.ctr("images", "ls", "-q").lines().toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha(byte[] b) {
        try {
            return "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
