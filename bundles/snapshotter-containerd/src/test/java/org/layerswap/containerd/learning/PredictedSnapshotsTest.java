package org.layerswap.containerd.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.layerswap.api.LayerId;

class PredictedSnapshotsTest {

    final LearningFakes.Store store = new LearningFakes.Store();
    final LearningFakes.Registry registry = new LearningFakes.Registry();
    final AtomicLong now = new AtomicLong(1_000_000);
    final PredictedSnapshots predicted = new PredictedSnapshots(store, registry, now::get, 60_000, Runnable::run);
    final KnownImage image = LearningFakes.image("reg/fn:1");

    @Test
    void aPredictedImageIsFetchedThenCommittedBaseFirstUnderOneExpiringLease() throws Exception {
        assertTrue(predicted.ensure("k8s.io", image).get());
        assertEquals(image.layerIds(), store.fetched);
        String lease = "layerswap-predicted-" + image.chainIds().get(1).substring(7, 23) + "-1000";
        List<String> c = image.chainIds();
        assertEquals(List.of("lease k8s.io " + lease + " until 1060000",
                "commit k8s.io " + lease + " [layerswap-predicted " + c.get(0) + "] parent= ref=" + c.get(0),
                "commit k8s.io " + lease + " [layerswap-predicted " + c.get(1) + "] parent=" + c.get(0) + " ref=" + c.get(1)), registry.calls);
        assertEquals(new PredictedSnapshots.Counts(1, 2, 0), predicted.counts());
        assertEquals(1, predicted.registrations().size());
    }

    @Test
    void aRegistrationIsKeptForHalfTheTtlThenRenewedUnderANewLease() throws Exception {
        predicted.ensure("k8s.io", image).get();
        now.addAndGet(29_999);
        assertFalse(predicted.ensure("k8s.io", image).get(), "registered recently: nothing to do");
        assertEquals(3, registry.calls.size());
        now.addAndGet(1);
        assertTrue(predicted.ensure("k8s.io", image).get());
        assertTrue(registry.calls.get(3).startsWith("lease k8s.io layerswap-predicted-") && registry.calls.get(3).endsWith("-1030 until 1090000"),
                registry.calls.get(3));
        assertTrue(predicted.ensure("other", image).get(), "each namespace has its own registration");
        assertEquals(new PredictedSnapshots.Counts(3, 6, 0), predicted.counts());
    }

    @Test
    void whenContainerdDoesNotFindALayerCommittedTheLeaseGoesAndTheFailureIsCounted() throws Exception {
        registry.answer = false;
        assertFalse(predicted.ensure("k8s.io", image).get());
        assertTrue(registry.calls.get(registry.calls.size() - 1).startsWith("delete k8s.io layerswap-predicted-"), registry.calls.toString());
        assertEquals(3, registry.calls.size(), "lease, the base's commit, delete: stopped at the base");
        assertEquals(new PredictedSnapshots.Counts(0, 0, 1), predicted.counts());
        assertTrue(predicted.registrations().isEmpty());
    }

    @Test
    void aFailedPrefetchRegistersNothing() throws Exception {
        store.failWith = new IllegalStateException("registry down");
        assertFalse(predicted.ensure("k8s.io", image).get());
        assertEquals(List.of(), registry.calls);
        assertEquals(1, predicted.counts().failures());
    }

    @Test
    void whenTheStoreLosesALayerTheRegistrationsOverItReleaseTheirLeases() throws Exception {
        predicted.ensure("k8s.io", image).get();
        String lease = predicted.registrations().get(0).lease();
        predicted.layerRemoved(LayerId.of(LearningFakes.digest('c')));
        assertEquals(1, predicted.registrations().size(), "another layer: kept");
        predicted.layerRemoved(LayerId.of(LearningFakes.digest('b')));
        assertTrue(predicted.registrations().isEmpty());
        assertEquals("delete k8s.io " + lease, registry.calls.get(registry.calls.size() - 1));
    }

    /**
     * containerd with the proxy snapshotter behind it: a labelled Prepare is answered ALREADY_EXISTS when the handshake
     * can pin the layer in the store now ({@code StoreLayers.of}: resident, then acquired), and that pin stays with the
     * committed snapshot.
     */
    final class Handshake extends LearningFakes.Registry {
        final List<org.layerswap.api.LayerLease> snapshotPins = new java.util.ArrayList<>();

        @Override
        public synchronized boolean commitByRef(String namespace, String lease, String key, String parent, String chainId) {
            super.commitByRef(namespace, lease, key, parent, chainId);
            LayerId layer = image.layerIds().get(image.chainIds().indexOf(chainId));
            return org.layerswap.containerd.StoreLayers.of(store).lease(layer).map(snapshotPins::add).orElse(false);
        }
    }

    @Test
    void aLayerTheStoreWouldEvictRightAfterItsFetchIsPinnedUntilContainerdHasCommittedIt() throws Exception {
        store.evictAfterFetch = true; // another fetch's room-making comes between the fetch and the handshake
        Handshake handshake = new Handshake();
        PredictedSnapshots p = new PredictedSnapshots(store, handshake, now::get, 60_000, Runnable::run);
        assertTrue(p.ensure("k8s.io", image).get(), "registered: " + handshake.calls);
        assertEquals(2, handshake.snapshotPins.size(), "both layers answered from the store");
        assertEquals(1, store.pins(image.layerIds().get(0)), "only the committed snapshot's own pin is left");
        assertEquals(1, store.pins(image.layerIds().get(1)));
        assertEquals(new PredictedSnapshots.Counts(1, 2, 0), p.counts());
    }

    @Test
    void theStorePinsAreGivenBackWhenContainerdDoesNotCommitALayer() throws Exception {
        registry.answer = false;
        assertFalse(predicted.ensure("k8s.io", image).get());
        assertEquals(0, store.pinsHeld());
    }

    @Test
    void whenOneLayersFetchFailsThePinOfTheOtherIsGivenBackAndNothingIsRegistered() throws Exception {
        store.failWith = new IllegalStateException("blob unknown");
        store.failing = image.layerIds().get(1);
        assertFalse(predicted.ensure("k8s.io", image).get());
        assertTrue(store.isResident(image.layerIds().get(0)), "the base was fetched");
        assertEquals(0, store.pinsHeld());
        assertEquals(List.of(), registry.calls);
    }

    @Test
    void cancellingTheEnsureGivesBackTheClaimsOfTheFetchesStillRunning() throws Exception {
        store.gate = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Boolean> f = predicted.ensure("k8s.io", image);
        assertEquals(2, store.pinsHeld(), "both layers claimed before their fetch");
        f.cancel(false);
        assertEquals(0, store.pinsHeld());
        store.gate.complete(java.nio.file.Path.of("/layers/x"));
        assertEquals(0, store.pinsHeld(), "a fetch ending after the cancel pins nothing");
        assertEquals(List.of(), registry.calls, "nothing registered");
        assertTrue(predicted.ensure("k8s.io", image).get(), "not in flight any more: tried again");
    }

    @Test
    void aLeaseTtlOfZeroIsRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new PredictedSnapshots(store, registry, now::get, 0, Runnable::run));
        assertEquals("lease ttl must be positive, got 0 ms", e.getMessage());
    }
}
