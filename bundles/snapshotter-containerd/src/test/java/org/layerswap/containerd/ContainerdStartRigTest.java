package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.containerd.ContainerdStartRig.Mode;
import org.layerswap.containerd.ContainerdStartRig.Sample;
import org.layerswap.fs.common.MountTable;

/**
 * One round of the containerd start benchmark with a small image (root, a real containerd): every mode runs the
 * function, the pulls carry the image over the link, the predicted and present starts carry nothing (through CRI:
 * the manifest and config, no layer blob requested), the predicted image was made ready through the handshake (in
 * CRI's namespace too), an image made present ahead starts with no request to the registry at all (the rig checks
 * every request the recording proxy saw; {@code ctr images ls} and CRI's ImageStatus know the image), and nothing is left behind (the rig's own checks fail a mode that took
 * another path than the one it names).
 */
class ContainerdStartRigTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void eachModeOfTheBenchmarkStartsTheFunctionThroughThePathItNames() throws Exception {
        try (ContainerdStartRig rig = ContainerdStartRig.start(dir, 3_000_000)) {
            rig.throttle(50_000_000);
            for (Mode m : new Mode[] {Mode.OVERLAYFS_PULL, Mode.LAYERSWAP_PULL}) {
                Sample s = rig.measure(m);
                assertTrue(s.linkBytes() >= rig.imageBytes(), m + " pulled the image over the link: " + s);
                assertEquals(3, s.layerGets(), m + " requested each layer blob once: " + s);
                assertTrue(s.totalMs() >= s.runMs() && s.fetchMs() > 0, s.toString());
            }
            long hits = rig.server().handshakes().hits();
            Sample predicted = rig.measure(Mode.LAYERSWAP_PREDICTED);
            assertEquals(0, predicted.linkBytes(), "a predicted start fetches nothing: " + predicted);
            assertEquals(0, predicted.layerGets(), predicted.toString());
            assertEquals(hits + 3, rig.server().handshakes().hits(), "its three layers were registered from the store");
            assertTrue(predicted.readyMs() > 0, predicted.toString());
            Sample cri = rig.measure(Mode.LAYERSWAP_PREDICTED_CRI);
            assertEquals(0, cri.layerGets(), "a predicted start through CRI requests no layer blob: " + cri);
            assertTrue(cri.linkBytes() > 0 && cri.linkBytes() < 100_000, "only the manifest and config came over the link: " + cri);
            assertEquals(hits + 6, rig.server().handshakes().hits(), "its three layers were registered in CRI's namespace from the store");
            assertTrue(cri.fetchMs() > 0 && cri.readyMs() > 0 && cri.totalMs() >= cri.runMs(), cri.toString());
            long pullHits = rig.server().handshakes().hits();
            assertEquals(3, rig.criPullFromStore(), "a CRI pull of layers only the store holds: each layer's Prepare a handshake hit");
            assertEquals(pullHits + 3, rig.server().handshakes().hits());
            Sample podPull = rig.measure(Mode.CRI_POD_PULL);
            assertTrue(podPull.linkBytes() >= rig.imageBytes() && podPull.layerGets() == 3, "a pod start pulled the image: " + podPull);
            long podHits = rig.server().handshakes().hits();
            Sample podPredicted = rig.measure(Mode.CRI_POD_PREDICTED);
            assertEquals(0, podPredicted.layerGets(), "a predicted pod start requests no layer blob: " + podPredicted);
            assertTrue(podPredicted.linkBytes() < 100_000, "only the manifest and config came over the link: " + podPredicted);
            assertEquals(podHits + 3, rig.server().handshakes().hits(), "its three layers were registered from the store");
            long presentHits = rig.server().handshakes().hits();
            Sample podPresentAhead = rig.measure(Mode.CRI_POD_PREDICTED_PRESENT);
            assertEquals(0, podPresentAhead.linkBytes(), "a pod start of an image made present ahead pulls nothing: " + podPresentAhead);
            assertEquals(presentHits + 3, rig.server().handshakes().hits(), "its three layers were registered from the store");
            assertTrue(podPresentAhead.readyMs() > 0 && podPresentAhead.fetchMs() > 0, "ready ahead; ImageStatus timed: " + podPresentAhead);
            Sample ctrPresentAhead = rig.measure(Mode.LAYERSWAP_PREDICTED_PRESENT);
            assertEquals(0, ctrPresentAhead.linkBytes(), "ctr run of an image made present ahead pulls nothing: " + ctrPresentAhead);
            assertEquals(0, ctrPresentAhead.fetchMs(), ctrPresentAhead.toString());
            assertEquals(presentHits + 6, rig.server().handshakes().hits(), "its three layers were registered from the store");
            Sample podPresent = rig.measure(Mode.CRI_POD_PRESENT);
            assertEquals(0, podPresent.linkBytes(), podPresent.toString());
            assertEquals(0, podPresent.fetchMs(), podPresent.toString());
            for (Sample pod : new Sample[] {podPull, podPredicted, podPresentAhead, podPresent}) {
                assertTrue(pod.runMs() > 0 && pod.totalMs() >= pod.runMs(), "sandbox, create and start timed: " + pod);
            }
            Sample present = rig.measure(Mode.PRESENT);
            assertEquals(0, present.linkBytes(), present.toString());
            assertEquals(0, present.layerGets(), present.toString());
            assertEquals(0, present.fetchMs(), present.toString());
            java.util.Map<String, double[]> ops = SnapshotOpLatency.measure(rig.socket(), 5);
            assertEquals(SnapshotOpLatency.OPS, java.util.List.copyOf(ops.keySet()));
            assertTrue(ops.values().stream().allMatch(v -> v.length == 5 && v[0] > 0), "five timed round trips per operation");
            assertTrue(rig.server().snapshotter().list(s -> true).isEmpty(), "no snapshot left in the proxy");
            assertTrue(rig.server().snapshotter().dirs().present().isEmpty(), "no snapshot directory left");
        }
        assertEquals(0, MountTable.read().countUnder(dir), "nothing mounted under the test's directory");
    }
}
