package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;
import org.layerswap.api.LayerStoreListener;
import org.layerswap.testkit.Await;

/**
 * The store's fetch-and-acquire under storage pressure, on real files: two concurrent fetches under a budget that fits
 * one layer. Ordering comes from the source's gates and the store's commit events, never from sleeps.
 */
class FetchAndAcquireTest {

    /** Room for one unpacked layer of 100 kB (plus its directory block), not for two. */
    static final long ONE_LAYER = 150_000;

    @TempDir
    Path dir;

    final FakeSource source = new FakeSource();

    static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    /**
     * Holds the window between {@code a} becoming resident and its fetch completing open: when {@code a} is committed
     * (the store's worker tells its listeners right after the layer entered the index), {@code b}'s gate opens and that
     * worker waits until {@code bDone} completes before it goes on to complete {@code a}'s callers.
     */
    void holdAfterCommit(FileLayerStore s, LayerDescriptor a, LayerDescriptor b, CompletableFuture<Void> bDone) {
        CountDownLatch bGate = new CountDownLatch(1);
        source.gates.put(b.id(), bGate);
        s.events().add(new LayerStoreListener() {
            @Override
            public void layerStored(LayerId stored, long blobBytes) {
                if (stored.equals(a.id())) {
                    bGate.countDown();
                    bDone.orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
                }
            }
        });
    }

    /** Once {@code fetched} made {@code a} resident: unreferenced, unclaimed, evictable. */
    static void assertNoPinLeftOn(CompletableFuture<Path> fetched, FileLayerStore s, LayerDescriptor a) throws Exception {
        get(fetched);
        assertEquals(0, s.resident().stream().filter(r -> r.id().equals(a.id())).findFirst().orElseThrow().refCount());
        assertEquals(0, s.pendingClaims());
        assertTrue(s.evict(a.id()), "no pin was left behind");
    }

    static CompletableFuture<Void> done(CompletableFuture<?> f) {
        return f.handle((v, e) -> null);
    }

    @Test
    void aLayerFetchedThenAcquiredIsEvictedByAConcurrentFetchUnderPressureBeforeItsCallerAcquiresIt() throws Exception {
        LayerDescriptor a = source.addRandomLayer("a", 100_000);
        LayerDescriptor b = source.addRandomLayer("b", 100_000);
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, ONE_LAYER), source)) {
            CompletableFuture<Void> bDone = new CompletableFuture<>();
            holdAfterCommit(s, a, b, bDone);
            CompletableFuture<Path> fa = s.fetch("r", a, FetchPriority.ON_DEMAND);
            CompletableFuture<Path> fb = s.fetch("r", b, FetchPriority.ON_DEMAND);
            done(fb).thenAccept(bDone::complete);
            get(fb);
            Path p = get(fa); // a's caller has its path, not yet its pin: b's room-making went first
            assertFalse(s.isResident(a.id()), "a was evicted between its fetch and its acquire");
            assertFalse(Files.exists(p));
            assertThrows(IllegalStateException.class, () -> s.acquire(a.id()));
        }
    }

    @Test
    void aLayerFetchedAndAcquiredInOneStepIsHeldThroughAConcurrentFetchUnderPressure() throws Exception {
        LayerDescriptor a = source.addRandomLayer("a", 100_000);
        LayerDescriptor b = source.addRandomLayer("b", 100_000);
        byte[] aBytes = new byte[100_000];
        new java.util.Random("a".hashCode()).nextBytes(aBytes);
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, ONE_LAYER), source)) {
            CompletableFuture<Void> bDone = new CompletableFuture<>();
            holdAfterCommit(s, a, b, bDone);
            CompletableFuture<LayerLease> fa = s.fetchAndAcquire("r", a, FetchPriority.ON_DEMAND);
            CompletableFuture<Path> fb = s.fetch("r", b, FetchPriority.ON_DEMAND);
            done(fb).thenAccept(bDone::complete);
            get(fb); // the same order as above: b's room-making before a's caller is told
            try (LayerLease lease = get(fa)) {
                assertEquals(a.id(), lease.id());
                assertTrue(s.isResident(a.id()));
                assertEquals(1, source.opens(a.id()), "held from its commit on: not evicted and fetched again");
                assertFalse(s.isResident(b.id()), "a's own room-making, after b's, took the unreferenced b instead");
                assertTrue(s.usedBytes() <= ONE_LAYER);
                assertArrayEquals(aBytes, Files.readAllBytes(lease.path().resolve("a")));
                assertFalse(s.evict(a.id()), "held");
                assertEquals(0, s.pendingClaims(), "the claim became the lease");
                assertEquals(1, s.resident().stream().filter(r -> r.id().equals(a.id())).findFirst().orElseThrow().refCount());
            }
            assertTrue(s.evict(a.id()), "closed lease: evictable again");
        }
    }

    @Test
    void aPrefetchUnderPressureIsRefusedRatherThanEvictingALayerClaimedByAFetchAndAcquire() throws Exception {
        LayerDescriptor a = source.addRandomLayer("a", 100_000);
        LayerDescriptor b = source.addRandomLayer("b", 100_000);
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, ONE_LAYER), source)) {
            s.setScoreHint(id -> id.equals(b.id()) ? 0.9 : 0.1); // b outranks a: only the claim keeps a
            CompletableFuture<Void> bDone = new CompletableFuture<>();
            CountDownLatch aCommitted = new CountDownLatch(1);
            s.events().add(new LayerStoreListener() {
                @Override
                public void layerStored(LayerId stored, long blobBytes) {
                    if (stored.equals(a.id())) {
                        aCommitted.countDown();
                        bDone.orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join(); // a's callers wait for b
                    }
                }
            });
            CompletableFuture<LayerLease> fa = s.fetchAndAcquire("r", a, FetchPriority.ON_DEMAND);
            assertTrue(aCommitted.await(30, TimeUnit.SECONDS));
            CompletableFuture<Path> fb = s.fetch("r", b, FetchPriority.PREFETCH); // its room-making finds a resident
            done(fb).thenAccept(bDone::complete);
            ExecutionException e = assertThrows(ExecutionException.class, () -> get(fb));
            assertTrue(e.getCause().getMessage().contains("prefetch refused"), e.getCause().getMessage());
            try (LayerLease lease = get(fa)) {
                assertTrue(Files.isRegularFile(lease.path().resolve("a")));
            }
        }
    }

    @Test
    void aResidentLayerIsPinnedAtOnceAndCountsAsAHit() throws Exception {
        LayerDescriptor a = source.addRandomLayer("a", 10_000);
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, 1L << 30), source)) {
            Path p = get(s.fetch("r", a, FetchPriority.ON_DEMAND));
            CompletableFuture<LayerLease> f = s.fetchAndAcquire("r", a, FetchPriority.PREFETCH);
            assertTrue(f.isDone(), "no wait for a resident layer");
            try (LayerLease lease = f.get()) {
                assertEquals(p, lease.path());
                assertEquals(1, s.stats().hits());
                assertFalse(s.evict(a.id()));
            }
            assertTrue(s.evict(a.id()));
        }
    }

    @Test
    void aDigestMismatchFailsTheCallAndGivesTheClaimBack() throws Exception {
        LayerDescriptor a = source.addRandomLayer("a", 50_000);
        source.corruptNext.set(1);
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, 1L << 30).withRetries(1, Duration.ofMillis(1)), source)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> get(s.fetchAndAcquire("repo/x", a, FetchPriority.ON_DEMAND)));
            assertTrue(e.getCause().getMessage().contains("digest mismatch") && e.getCause().getMessage().contains(a.id().digest()),
                    e.getCause().getMessage());
            assertEquals(0, s.pendingClaims());
            assertNoPinLeftOn(s.fetch("repo/x", a, FetchPriority.ON_DEMAND), s, a); // the clean attempt
        }
    }

    @Test
    void aCancelledCallGivesTheClaimBackAndTheLayerItsFetchBroughtStaysEvictable() throws Exception {
        LayerDescriptor a = source.addRandomLayer("a", 50_000);
        CountDownLatch gate = new CountDownLatch(1);
        source.gates.put(a.id(), gate);
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, 1L << 30), source)) {
            CompletableFuture<LayerLease> f = s.fetchAndAcquire("r", a, FetchPriority.ON_DEMAND);
            CompletableFuture<Path> other = s.fetch("r", a, FetchPriority.ON_DEMAND); // shares the download
            assertEquals(1, s.pendingClaims());
            assertTrue(f.cancel(false));
            assertEquals(0, s.pendingClaims(), "given back at the cancel");
            gate.countDown();
            assertThrows(CancellationException.class, f::join);
            assertNoPinLeftOn(other, s, a); // the shared download went on for the other caller
        }
    }

    @Test
    void aCallerTimeoutGivesTheClaimBackAndNoLeaseOutlivesIt() throws Exception {
        LayerDescriptor a = source.addRandomLayer("a", 50_000);
        CountDownLatch gate = new CountDownLatch(1);
        source.gates.put(a.id(), gate);
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, 1L << 30), source)) {
            CompletableFuture<LayerLease> f = s.fetchAndAcquire("r", a, FetchPriority.ON_DEMAND).orTimeout(1, TimeUnit.MILLISECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> get(f)); // the gate holds: the timeout fires
            assertInstanceOf(TimeoutException.class, e.getCause());
            Await.until(Duration.ofSeconds(30), () -> s.pendingClaims() == 0, "the claim given back after the timeout");
            gate.countDown();
            assertNoPinLeftOn(s.fetch("r", a, FetchPriority.ON_DEMAND), s, a);
        }
    }

    @Test
    void closingTheStoreFailsAWaitingCallAndGivesItsClaimBack() throws Exception {
        LayerDescriptor a = source.addRandomLayer("a", 50_000);
        source.gates.put(a.id(), new CountDownLatch(1)); // never opens: the close interrupts the download
        FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, 1L << 30), source);
        CompletableFuture<LayerLease> f = s.fetchAndAcquire("r", a, FetchPriority.ON_DEMAND);
        s.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(f));
        assertTrue(e.getCause().getMessage().contains(a.id().digest()), e.getCause().getMessage());
        assertEquals(0, s.pendingClaims());
        assertThrows(ExecutionException.class, () -> get(s.fetchAndAcquire("r", a, FetchPriority.ON_DEMAND)));
    }

    @Test
    void aLayerModifiedOnDiskIsFetchedAndVerifiedAgainBeforeItIsPinned() throws Exception {
        LayerDescriptor a = source.addRandomLayer("a", 10_000);
        try (FileLayerStore s = new FileLayerStore(StoreSettings.of(dir, 1L << 30).withTreeCheckInterval(Duration.ZERO), source)) {
            Path p = get(s.fetch("r", a, FetchPriority.ON_DEMAND));
            Files.writeString(p.resolve("a"), "tampered");
            try (LayerLease lease = get(s.fetchAndAcquire("r", a, FetchPriority.ON_DEMAND))) {
                assertEquals(10_000, Files.size(lease.path().resolve("a")), "the verified copy, not the tampered one");
                assertEquals(1, s.quarantinedLayers());
                assertEquals(2, source.opens(a.id()));
            }
            assertEquals(0, s.pendingClaims());
        }
    }
}
