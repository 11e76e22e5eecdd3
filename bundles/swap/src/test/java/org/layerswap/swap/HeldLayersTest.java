package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;

class HeldLayersTest {

    final AtomicInteger open = new AtomicInteger();

    LayerLease lease(int n) {
        open.incrementAndGet();
        return new LayerLease() {
            @Override
            public LayerId id() {
                return Fakes.id(n);
            }

            @Override
            public Path path() {
                return Path.of("/l" + n);
            }

            @Override
            public void close() {
                open.decrementAndGet();
            }
        };
    }

    @Test
    void everyLeaseIsHeldUntilCloseAndClosedOnceEvenWhenClosedTwice() throws Exception {
        HeldLayers h = HeldLayers.await(List.of(CompletableFuture.completedFuture(lease(1)), CompletableFuture.completedFuture(lease(2))), 1_000);
        assertEquals(2, h.size());
        assertEquals(2, open.get());
        h.close();
        h.close();
        assertEquals(0, open.get());
    }

    @Test
    void noCallsHoldNothingWithoutWaiting() throws Exception {
        assertSame(HeldLayers.NONE, HeldLayers.await(List.of(), 0));
    }

    @Test
    void aTimeoutCancelsTheCallsStillWaitingAndClosesTheLeasesThatCame() {
        CompletableFuture<LayerLease> waiting = new CompletableFuture<>();
        List<CompletableFuture<LayerLease>> calls = List.of(CompletableFuture.completedFuture(lease(1)), waiting);
        assertThrows(TimeoutException.class, () -> HeldLayers.await(calls, 1));
        assertTrue(waiting.isCancelled(), "the store gives its claim back");
        assertEquals(0, open.get());
    }

    @Test
    void aFailedCallFailsTheWaitAndClosesTheOtherLeases() {
        IllegalStateException why = new IllegalStateException("layer 2: digest mismatch");
        List<CompletableFuture<LayerLease>> calls = List.of(CompletableFuture.completedFuture(lease(1)), CompletableFuture.failedFuture(why));
        ExecutionException e = assertThrows(ExecutionException.class, () -> HeldLayers.await(calls, 1_000));
        assertSame(why, e.getCause());
        assertEquals(0, open.get());
    }

    @Test
    void oneCallTimingOutIsCancelled() {
        CompletableFuture<LayerLease> waiting = new CompletableFuture<>();
        assertThrows(TimeoutException.class, () -> HeldLayers.awaitOne(waiting, 1));
        assertTrue(waiting.isCancelled());
    }

    @Test
    void oneCallReturnsItsLease() throws Exception {
        LayerLease l = lease(3);
        assertSame(l, HeldLayers.awaitOne(CompletableFuture.completedFuture(l), 1_000));
        assertEquals(1, open.get(), "the caller's to close");
    }
}
