package org.layerswap.swap;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.layerswap.api.LayerLease;

/**
 * Store leases on layers held across a step: the missing layers of an invocation from their fetch until the root
 * composed over them has pinned them itself. Built from {@code LayerStore.fetchAndAcquire} calls, so a layer is held
 * from the moment it is resident: no eviction can come between its fetch and the composition.
 *
 * <p>Invariant (no leaked pin): when {@link #await} does not return (a call failed, the wait timed out or was
 * interrupted), every call is cancelled (the store gives its claim back) and every lease that did arrive is closed;
 * when it returns, {@link #close} closes each lease exactly once.
 */
final class HeldLayers implements AutoCloseable {

    static final HeldLayers NONE = new HeldLayers(List.of());

    private final List<LayerLease> leases;
    private boolean closed;

    private HeldLayers(List<LayerLease> leases) {
        this.leases = leases;
    }

    /** Waits at most {@code timeoutMillis} for every call; on any other end nothing stays pinned (see the class). */
    static HeldLayers await(List<CompletableFuture<LayerLease>> calls, long timeoutMillis)
            throws TimeoutException, ExecutionException, InterruptedException {
        if (calls.isEmpty()) {
            return NONE;
        }
        try {
            CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | InterruptedException | RuntimeException | Error e) {
            release(calls);
            throw e;
        }
        List<LayerLease> out = new ArrayList<>(calls.size());
        calls.forEach(c -> out.add(c.join()));
        return new HeldLayers(out);
    }

    /** One call, as {@link #await}: its lease, or (failed, timed out, interrupted) no pin left behind. */
    static LayerLease awaitOne(CompletableFuture<LayerLease> call, long timeoutMillis)
            throws TimeoutException, ExecutionException, InterruptedException {
        try {
            return call.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | InterruptedException | RuntimeException | Error e) {
            release(List.of(call));
            throw e;
        }
    }

    /** Cancels the calls still waiting (their claims go back) and closes the leases of those that completed. */
    static void release(List<CompletableFuture<LayerLease>> calls) {
        for (CompletableFuture<LayerLease> c : calls) {
            if (!c.cancel(false) && !c.isCompletedExceptionally()) {
                PinLedger.closeQuietly(c.join());
            }
        }
    }

    int size() {
        return leases.size();
    }

    /** Closes every lease once (a second close does nothing). */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            leases.forEach(PinLedger::closeQuietly);
        }
    }
}
