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

    @Test
    void aLeaseTtlOfZeroIsRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new PredictedSnapshots(store, registry, now::get, 0, Runnable::run));
        assertEquals("lease ttl must be positive, got 0 ms", e.getMessage());
    }
}
