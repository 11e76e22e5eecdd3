package org.layerswap.containerd.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.LayerId;

class PresentImagesTest {

    static final String MANIFEST = "sha256:" + "1f".repeat(32);
    static final String CONFIG = "sha256:" + "2e".repeat(32);
    /** A prediction that does not lapse within a test. */
    static final long UNTIL = Long.MAX_VALUE;

    /** containerd's content and images, recorded; names in {@code existing} were there before (the platform's). */
    static final class Images implements ImageRegistry {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final Set<String> existing = new HashSet<>();
        /** Records whose labels someone else replaced since. */
        final Set<String> rewritten = new HashSet<>();
        /** containerd down: every delete fails. */
        volatile boolean unreachable;

        @Override
        public void writeContent(String namespace, String lease, ImageDocuments.Blob blob, Map<String, String> labels) {
            calls.add("content " + namespace + "/" + lease + " " + blob.digest() + " " + new java.util.TreeMap<>(labels));
        }

        @Override
        public boolean createImage(String namespace, String name, ImageDocuments.Blob target, Map<String, String> labels) {
            calls.add("image " + namespace + " " + name + " -> " + target.digest() + " " + new java.util.TreeMap<>(labels));
            return existing.add(namespace + " " + name);
        }

        @Override
        public boolean deleteImageIfLabelled(String namespace, String name, String label) {
            calls.add("delete " + namespace + " " + name + " if " + label);
            if (unreachable) {
                throw new IllegalStateException("UNAVAILABLE: containerd is not running");
            }
            return !rewritten.contains(namespace + " " + name) && existing.remove(namespace + " " + name);
        }
    }

    @TempDir
    Path dir;
    final Images images = new Images();
    final KnownImage image = LearningFakes.image("reg.example:5000/fn:1");
    final ImageDocuments docs = new ImageDocuments(new ImageDocuments.Blob(ImageDocuments.OCI_MANIFEST, MANIFEST, 10, new byte[10]),
            new ImageDocuments.Blob("application/vnd.oci.image.config.v1+json", CONFIG, 5, new byte[5]),
            List.of(blob(LearningFakes.digest('a')), blob(LearningFakes.digest('b'))));
    final PresentImages present = new PresentImages(images, "layerswap", i -> docs);

    static ImageDocuments.Blob blob(String digest) {
        return new ImageDocuments.Blob(LearningFakes.layer('a').mediaType(), digest, 1, null);
    }

    @Test
    void configThenManifestAreWrittenUnderTheLeaseWithTheCollectorsReferencesThenTheRecord() throws Exception {
        assertEquals(List.of("reg.example:5000/fn:1"), present.make("default", "l-1", image, UNTIL));
        String top = image.chainIds().get(1);
        assertEquals(List.of(
                "content default/l-1 " + CONFIG + " {containerd.io/gc.ref.snapshot.layerswap=" + top + "}",
                "content default/l-1 " + MANIFEST + " {containerd.io/gc.ref.content.config=" + CONFIG + ", containerd.io/gc.ref.content.l.0="
                        + LearningFakes.digest('a') + ", containerd.io/gc.ref.content.l.1=" + LearningFakes.digest('b') + "}",
                "image default reg.example:5000/fn:1 -> " + MANIFEST + " {org.layerswap.predicted=l-1}"), images.calls);
    }

    @Test
    void underCriTheTagRepoDigestAndIdRecordsAreCreatedLabelledManaged() throws Exception {
        assertEquals(List.of("reg.example:5000/fn:1", "reg.example:5000/fn@" + MANIFEST, CONFIG), present.make("k8s.io", "l", image, UNTIL));
        assertTrue(images.calls.get(2).endsWith("{io.cri-containerd.image=managed, org.layerswap.predicted=l}"), images.calls.get(2));
    }

    @Test
    void onlyTheRecordsItCreatedAreDeletedOnRelease() throws Exception {
        images.existing.add("k8s.io reg.example:5000/fn:1"); // the platform pulled the tag itself
        assertEquals(List.of("reg.example:5000/fn@" + MANIFEST, CONFIG), present.make("k8s.io", "l", image, UNTIL));
        images.calls.clear();
        present.release("k8s.io", image);
        assertEquals(Set.of("delete k8s.io reg.example:5000/fn@" + MANIFEST + " if org.layerswap.predicted",
                "delete k8s.io " + CONFIG + " if org.layerswap.predicted"), new HashSet<>(images.calls));
        assertEquals(Set.of("k8s.io reg.example:5000/fn:1"), images.existing);
        images.calls.clear();
        present.release("k8s.io", image);
        assertEquals(List.of(), images.calls, "released once");
    }

    @Test
    void aRecordRewrittenByThePlatformSinceIsLeftAsItIs() throws Exception {
        present.make("default", "l", image, UNTIL);
        images.rewritten.add("default reg.example:5000/fn:1"); // e.g. an image import replaced its labels
        present.release("default", image);
        assertEquals(Set.of("default reg.example:5000/fn:1"), images.existing);
    }

    @Test
    void theRecordsCreatedSurviveARestartAndThoseWhosePredictionLapsedAreDeletedThenTheOthersWhenTheirTimeComes() throws Exception {
        Path file = dir.resolve(CreatedRecords.FILE);
        PresentImages before = new PresentImages(images, "layerswap", i -> docs, CreatedRecords.open(file));
        before.make("k8s.io", "l-1", image, 1_000);
        before.make("default", "l-2", image, 9_000);

        PresentImages after = new PresentImages(images, "layerswap", i -> docs, CreatedRecords.open(file)); // a restart
        assertEquals(4, after.records().size(), "three CRI records and one in default");
        images.calls.clear();
        assertEquals(3, after.lapse(5_000));
        assertEquals(Set.of("delete k8s.io reg.example:5000/fn:1 if org.layerswap.predicted", "delete k8s.io reg.example:5000/fn@" + MANIFEST
                + " if org.layerswap.predicted", "delete k8s.io " + CONFIG + " if org.layerswap.predicted"), new HashSet<>(images.calls));
        assertEquals(List.of(new CreatedRecords.Record("default", "reg.example:5000/fn:1", "reg.example:5000/fn:1", "l-2", 9_000)),
                after.records());
        assertEquals(0, after.lapse(8_999));
        assertEquals(1, after.lapse(9_000));
        assertEquals(Set.of(), images.existing);
        assertEquals(List.of(), CreatedRecords.open(file).all());
    }

    @Test
    void aRenewalKeepsTheImagesExistingRecordsUntilTheNewRegistrationLapses() throws Exception {
        present.make("default", "l-1", image, 1_000);
        assertEquals(List.of(), present.make("default", "l-2", image, 2_000), "the record is there already");
        assertEquals(0, present.lapse(1_500));
        assertEquals(List.of(new CreatedRecords.Record("default", "reg.example:5000/fn:1", "reg.example:5000/fn:1", "l-1", 2_000)),
                present.records(), "its label still names the lease it was created under");
        assertEquals(1, present.lapse(2_000));
    }

    @Test
    void aDeleteThatFailsKeepsTheRecordDueAtOnceForTheNextLapse() throws Exception {
        present.make("default", "l-1", image, UNTIL);
        images.unreachable = true;
        present.release("default", image);
        assertEquals(List.of(new CreatedRecords.Record("default", "reg.example:5000/fn:1", "reg.example:5000/fn:1", "l-1", 0)),
                present.records());
        assertEquals(1, present.lapse(0));
        assertEquals(1, present.records().size(), "still unreachable: kept");
        images.unreachable = false;
        assertEquals(1, present.lapse(0));
        assertEquals(List.of(), present.records());
        assertEquals(Set.of(), images.existing);
    }

    @Test
    void aManifestNamingOtherLayersThanLayerSwapRegisteredIsRefused() {
        PresentImages other = new PresentImages(images, "layerswap", i -> new ImageDocuments(docs.manifest(), docs.config(),
                List.of(blob(LearningFakes.digest('a')))));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.make("default", "l", image, UNTIL));
        assertTrue(e.getMessage().contains("its manifest " + MANIFEST + " names layers"), e.getMessage());
        assertEquals(List.of(), images.calls, "nothing written");
    }

    @Test
    void theRepositoryOfANameDropsItsTagOrDigestButNotARegistryPort() {
        assertEquals("reg:5000/fn", PresentImages.repository("reg:5000/fn:1"));
        assertEquals("reg:5000/fn", PresentImages.repository("reg:5000/fn"));
        assertEquals("fn", PresentImages.repository("fn@" + MANIFEST));
    }

    @Test
    void predictedSnapshotsMakeTheImagePresentAfterItsSnapshotsAndReleaseItWhenTheRegistrationLapsesOrALayerIsLost() throws Exception {
        LearningFakes.Registry snapshots = new LearningFakes.Registry();
        AtomicLong now = new AtomicLong(1_000_000);
        PredictedSnapshots predicted = new PredictedSnapshots(new LearningFakes.Store(), snapshots, present, now::get, 60_000, Runnable::run);
        assertTrue(predicted.ensure("default", image).get());
        assertEquals(3, snapshots.calls.size(), "lease and two commits first");
        assertEquals(3, images.calls.size(), "then config, manifest, record");
        now.addAndGet(59_999);
        assertEquals(0, predicted.expire());
        now.addAndGet(1);
        assertEquals(1, predicted.expire());
        assertEquals("delete default reg.example:5000/fn:1 if org.layerswap.predicted", images.calls.get(3));
        assertTrue(predicted.registrations().isEmpty());

        assertTrue(predicted.ensure("default", image).get());
        predicted.layerRemoved(LayerId.of(LearningFakes.digest('a')));
        assertEquals("delete default reg.example:5000/fn:1 if org.layerswap.predicted", images.calls.get(images.calls.size() - 1));
    }

    @Test
    void anImageThatCannotBeMadePresentKeepsItsSnapshotsAndCountsAFailure() throws Exception {
        List<String> refused = new ArrayList<>();
        PresentImages failing = new PresentImages(images, "layerswap", i -> {
            refused.add(i.containerdName());
            throw new org.layerswap.api.LayerSourceException("registry down", true);
        });
        PredictedSnapshots predicted = new PredictedSnapshots(new LearningFakes.Store(), new LearningFakes.Registry(), failing,
                () -> 0, 60_000, Runnable::run);
        assertTrue(predicted.ensure("default", image).get(), "the snapshots are registered");
        assertEquals(List.of("reg.example:5000/fn:1"), refused);
        assertEquals(new PredictedSnapshots.Counts(1, 2, 1), predicted.counts());
        assertEquals(1, predicted.registrations().size());
    }
}
