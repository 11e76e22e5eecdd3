package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;

/** The claim bookkeeping of fetch-and-acquire, over a hand-driven fetch and pin: each claim is given back exactly once. */
class AcquireOnFetchTest {

    static final LayerDescriptor LAYER = new LayerDescriptor(LayerId.of("sha256:" + "a".repeat(64)), 10, "application/vnd.oci.image.layer.v1.tar");

    final Object lock = new Object();
    /** The fetches asked for, completed by the test. */
    final List<CompletableFuture<Path>> fetches = new ArrayList<>();
    final List<FakeLease> leases = new ArrayList<>();
    /** How the next pins go: null pins, else what they throw. */
    final List<RuntimeException> pinFailures = new ArrayList<>();
    /** Runs inside the pin (before it returns), e.g. a caller giving up at that moment. */
    Consumer<LayerId> duringPin = id -> { };
    AcquireOnFetch claims;

    static final class FakeLease implements LayerLease {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public LayerId id() {
            return LAYER.id();
        }

        @Override
        public Path path() {
            return Path.of("/layers/a");
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    AcquireOnFetchTest() {
        AtomicReference<AcquireOnFetch> self = new AtomicReference<>();
        claims = new AcquireOnFetch(lock, (repository, layer, priority) -> {
            CompletableFuture<Path> f = new CompletableFuture<>();
            fetches.add(f);
            return f;
        }, id -> {
            duringPin.accept(id);
            if (!pinFailures.isEmpty()) {
                throw pinFailures.remove(0);
            }
            synchronized (lock) {
                self.get().pinned(id);
            }
            FakeLease l = new FakeLease();
            leases.add(l);
            return l;
        });
        self.set(claims);
    }

    CompletableFuture<LayerLease> start() {
        return claims.start("r", LAYER, FetchPriority.ON_DEMAND);
    }

    @Test
    void theLayerIsClaimedWhileItIsFetchedAndTheClaimBecomesTheLease() {
        CompletableFuture<LayerLease> f = start();
        assertTrue(claims.holds(LAYER.id()));
        assertEquals(1, claims.pending());
        fetches.get(0).complete(Path.of("/layers/a"));
        assertSame(leases.get(0), f.join());
        assertFalse(claims.holds(LAYER.id()));
        assertEquals(0, leases.get(0).closes.get(), "the caller's to close");
    }

    @Test
    void twoCallsForOneLayerHoldTwoClaimsUntilBothArePinned() {
        CompletableFuture<LayerLease> first = start();
        CompletableFuture<LayerLease> second = start();
        assertEquals(2, claims.pending());
        fetches.get(0).complete(Path.of("/layers/a"));
        assertTrue(claims.holds(LAYER.id()), "the second call still waits");
        fetches.get(1).complete(Path.of("/layers/a"));
        assertEquals(0, claims.pending());
        assertEquals(2, List.of(first.join(), second.join()).size());
    }

    @Test
    void aFailedFetchFailsTheCallWithItsOwnErrorAndGivesTheClaimBack() {
        CompletableFuture<LayerLease> f = start();
        fetches.get(0).completeExceptionally(new LayerFetchException("layer a: digest mismatch", null));
        CompletionException e = assertThrows(CompletionException.class, f::join);
        assertEquals("layer a: digest mismatch", e.getCause().getMessage());
        assertEquals(0, claims.pending());
        assertTrue(leases.isEmpty());
    }

    @Test
    void aFetchThatThrowsAtOnceGivesTheClaimBack() {
        AcquireOnFetch throwing = new AcquireOnFetch(lock, (r, l, p) -> {
            throw new IllegalStateException("layer store is closed");
        }, id -> {
            throw new AssertionError("never pinned");
        });
        CompletableFuture<LayerLease> f = throwing.start("r", LAYER, FetchPriority.PREFETCH);
        assertEquals("layer store is closed", assertThrows(CompletionException.class, f::join).getCause().getMessage());
        assertEquals(0, throwing.pending());
    }

    @Test
    void aCancelGivesTheClaimBackAtOnceAndCancelsOnlyTheCallersOwnFetchFuture() {
        CompletableFuture<LayerLease> f = start();
        assertTrue(f.cancel(false));
        assertEquals(0, claims.pending());
        assertTrue(fetches.get(0).isCancelled());
        assertTrue(leases.isEmpty());
    }

    @Test
    void aCallerGivingUpWhileThePinIsTakenHasTheLeaseClosedForIt() {
        AtomicReference<CompletableFuture<LayerLease>> call = new AtomicReference<>();
        duringPin = id -> call.get().cancel(false);
        call.set(start());
        fetches.get(0).complete(Path.of("/layers/a"));
        assertThrows(CancellationException.class, call.get()::join);
        assertEquals(1, leases.get(0).closes.get(), "closed once, by the store: no pin left");
        assertEquals(0, claims.pending());
    }

    @Test
    void aLayerGoneBeforeThePinIsFetchedOnceMoreStillClaimed() {
        pinFailures.add(new IllegalStateException("layer a was modified on disk: quarantined"));
        CompletableFuture<LayerLease> f = start();
        fetches.get(0).complete(Path.of("/layers/a"));
        assertEquals(2, fetches.size(), "fetched and verified again");
        assertTrue(claims.holds(LAYER.id()), "still claimed during the second fetch");
        fetches.get(1).complete(Path.of("/layers/a"));
        assertSame(leases.get(0), f.join());
        assertEquals(0, claims.pending());
    }

    @Test
    void aLayerGoneTwiceFailsTheCallNamingWhyAndGivesTheClaimBack() {
        pinFailures.add(new IllegalStateException("layer a was modified on disk: quarantined"));
        pinFailures.add(new IllegalStateException("layer a was modified on disk again"));
        CompletableFuture<LayerLease> f = start();
        fetches.get(0).complete(Path.of("/layers/a"));
        fetches.get(1).complete(Path.of("/layers/a"));
        assertEquals(1 + AcquireOnFetch.REFETCHES, fetches.size());
        assertEquals("layer a was modified on disk again", assertThrows(CompletionException.class, f::join).getCause().getMessage());
        assertEquals(0, claims.pending());
    }

    @Test
    void aPinFailingOtherwiseFailsTheCallAndGivesTheClaimBack() {
        pinFailures.add(new UnsupportedOperationException("no pins here"));
        CompletableFuture<LayerLease> f = start();
        fetches.get(0).complete(Path.of("/layers/a"));
        assertEquals("no pins here", assertThrows(CompletionException.class, f::join).getCause().getMessage());
        assertEquals(1, fetches.size());
        assertEquals(0, claims.pending());
    }
}
