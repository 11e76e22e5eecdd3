package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.desc;
import static org.layerswap.swap.Fakes.id;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.LayerId;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.testkit.Await;
import org.layerswap.testkit.FakeProfiler;

class FetchCoordinatorTest {

    private final Fakes.Store store = new Fakes.Store();
    private final LayerCatalog catalog = new LayerCatalog(new FakeProfiler());
    private final BoundedHistory<PrefetchRecord> history = new BoundedHistory<>(() -> 100, r -> { });
    /** The worker: tasks run when the test says so. */
    private final Deque<Runnable> worker = new ArrayDeque<>();
    private final List<LayerId> resident = new CopyOnWriteArrayList<>();
    private final Fakes.Feedback feedback = new Fakes.Feedback(ExperimentArm.NONE);
    private final List<String> fed = feedback.fetches;
    private final AtomicInteger afterPrefetch = new AtomicInteger();
    private volatile String noRoom;
    private final FetchCoordinator fetches = new FetchCoordinator(store, catalog, () -> 7L, worker::add, history, () -> feedback,
            (id, bytes, score) -> noRoom, resident::add, afterPrefetch::incrementAndGet);

    private void runWorker() {
        for (Runnable r; (r = worker.poll()) != null; ) {
            r.run();
        }
    }

    @Test
    void aPrefetchIsClaimedOnTheCallerAndRunOnTheWorkerOnce() {
        catalog.defineLayer("repo", desc(1, 100));
        assertTrue(fetches.tryStartPrefetch(id(1), "f", 0.8, 2, ExperimentArm.TREATMENT));
        assertFalse(fetches.tryStartPrefetch(id(1), "f", 0.8, 2, ExperimentArm.TREATMENT), "already running");
        assertEquals(0, store.calls(id(1), FetchPriority.PREFETCH), "nothing fetched on the caller's thread");
        assertEquals(1, fetches.inFlight().size());
        assertTrue(fetches.isFetching(id(1)));
        runWorker();
        store.complete(id(1));
        PrefetchRecord r = history.newest(1).get(0);
        assertEquals(List.of(id(1), 0.8, true, 100L, "", 7L), List.of(r.layer(), r.score(), r.succeeded(), r.bytes(), r.detail(),
                r.startedMillis()));
        assertEquals(List.of(id(1)), resident);
        assertEquals(List.of("f TREATMENT PREFETCH 100"), fed);
        assertEquals(1, afterPrefetch.get());
        assertEquals(0, fetches.prefetchesRunning());
        assertEquals(List.of(), fetches.inFlight());
    }

    @Test
    void aPrefetchShowsQueuedUntilAWorkerRunsItThenCountsFromTheSameInstantAsItsRecord() throws Exception {
        catalog.defineLayer("repo", desc(1, 100));
        assertTrue(fetches.tryStartPrefetch(id(1), "f", 0.8, 2, ExperimentArm.TREATMENT));
        Thread.sleep(200);
        PrefetchRecord queued = fetches.inFlight().get(0);
        assertEquals(FetchesInFlight.QUEUED, queued.detail());
        assertTrue(queued.durationMicros() >= 200_000, "queued counts from the claim: " + queued);
        runWorker();
        PrefetchRecord fetching = fetches.inFlight().get(0);
        assertEquals(FetchesInFlight.FETCHING, fetching.detail());
        assertTrue(fetching.durationMicros() < queued.durationMicros(), "fetching counts from the run: " + fetching);
        Thread.sleep(20);
        long waited = fetches.inFlight().get(0).durationMicros();
        store.complete(id(1));
        PrefetchRecord done = history.newest(1).get(0);
        assertTrue(done.durationMicros() >= waited, "the record covers every wait shown while fetching: " + done + " " + waited);
        assertEquals(List.of(), fetches.inFlight());
    }

    @Test
    void onDemandAndStagedFetchesShowAsFetchingAtOnce() {
        catalog.defineLayer("repo", desc(1, 100));
        catalog.defineLayer("repo", desc(2, 100));
        fetches.fetchOnDemand("f", id(1), ExperimentArm.NONE);
        fetches.fetchStaged("f", id(2));
        assertEquals(List.of(FetchesInFlight.FETCHING, FetchesInFlight.FETCHING),
                fetches.inFlight().stream().map(PrefetchRecord::detail).toList());
    }

    @Test
    void prefetchesStayWithinTheConcurrencyLimitAndSkipUnknownOrResidentLayers() {
        for (int n = 1; n <= 3; n++) {
            catalog.defineLayer("repo", desc(n, 1));
        }
        store.resident.add(id(3));
        assertTrue(fetches.tryStartPrefetch(id(1), "", 1, 1, ExperimentArm.NONE));
        assertFalse(fetches.tryStartPrefetch(id(2), "", 1, 1, ExperimentArm.NONE), "the limit of 1 is reached");
        assertFalse(fetches.tryStartPrefetch(id(3), "", 1, 5, ExperimentArm.NONE), "resident");
        assertFalse(fetches.tryStartPrefetch(id(4), "", 1, 5, ExperimentArm.NONE), "no known source");
        assertEquals(1, fetches.prefetchesRunning());
    }

    @Test
    void noRoomSkipsThePrefetchWithARecordSayingWhy() {
        catalog.defineLayer("repo", desc(1, 1));
        noRoom = "no room for it";
        fetches.tryStartPrefetch(id(1), "", 0.9, 1, ExperimentArm.NONE);
        runWorker();
        PrefetchRecord r = history.newest(1).get(0);
        assertFalse(r.succeeded());
        assertEquals("no room for it", r.detail());
        assertEquals(0, store.calls(id(1), FetchPriority.PREFETCH));
        assertEquals(0, fetches.prefetchesRunning(), "the slot is given back");
        assertEquals(List.of(), fed, "nothing transferred, nothing reported");
    }

    @Test
    void onDemandFetchesAreSharedWhileRunningAndRecordedOnce() {
        catalog.defineLayer("repo", desc(1, 50));
        var a = fetches.fetchOnDemand("f", id(1), ExperimentArm.CONTROL);
        assertSame(a, fetches.fetchOnDemand("f", id(1), ExperimentArm.CONTROL));
        assertEquals(1, store.calls(id(1), FetchPriority.ON_DEMAND));
        store.complete(id(1));
        assertEquals(1, history.newest(10).size());
        assertTrue(Double.isNaN(history.newest(1).get(0).score()), "on-demand fetches carry no score");
        assertEquals(List.of("f CONTROL ON_DEMAND 50"), fed);
        assertEquals(List.of(id(1)), resident);
    }

    @Test
    void anOnDemandFetchOfAnUnknownLayerFailsAtOnceNamingTheLayer() {
        var f = fetches.fetchOnDemand("f", id(9), ExperimentArm.NONE);
        assertTrue(f.isCompletedExceptionally());
        PrefetchRecord r = history.newest(1).get(0);
        assertTrue(r.detail().contains(id(9).toString()) && r.detail().contains("define the function first"), r.detail());
        assertEquals(0, r.durationMicros());
    }

    @Test
    void stagedFetchesAreRecordedAsSuchAndUnknownLayersRejected() {
        catalog.defineLayer("repo", desc(1, 10));
        fetches.fetchStaged("f", id(1));
        store.complete(id(1));
        assertEquals("staged swap", history.newest(1).get(0).detail());
        assertEquals(1.0, history.newest(1).get(0).score());
        assertEquals(List.of(id(1)), resident);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fetches.fetchStaged("f", id(2)));
        assertTrue(e.getMessage().contains(id(2).toString()), e.getMessage());
    }

    @Test
    void theInvocationPathPrefersOptionalLayersThenRankedOnesUpToItsLimit() {
        for (int n = 1; n <= 4; n++) {
            catalog.defineLayer("repo", desc(n, 1));
        }
        SwapSettings s = new SwapSettings(0.5, 10, 2, 64, false, true, 0.1, 10, 0.01, 0.1, 100, CostModel.DEFAULT);
        List<LayerId> predicted = new CopyOnWriteArrayList<>();
        List<LayerId> started = fetches.startPrefetches("f", Map.of(id(1), 0.9, id(2), 0.2),
                List.of(new PrefetchPlanner.Planned(id(3), 0.7, 0.7, 1, 1), new PrefetchPlanner.Planned(id(4), 0.6, 0.6, 1, 1)), s, ExperimentArm.NONE,
                predicted::add);
        assertEquals(List.of(id(1), id(3)), started);
        assertEquals(List.of(id(1)), predicted, "only optional layers at or above the threshold are predicted");
    }

    @Test
    void waitingForMissingLayersTimesOutWithAnIOExceptionNamingThemAndLeavesNoPinBehind() {
        catalog.defineLayer("repo", desc(1, 1));
        InvocationPlan plan = new InvocationPlan("f", List.of(id(1)), List.of(id(1)), List.of(), ExperimentArm.NONE, 0);
        IOException e = assertThrows(IOException.class, () -> fetches.holdMissing(plan, 1));
        assertTrue(e.getMessage().contains("not resident within 1 ms") && e.getMessage().contains(id(1).toString()), e.getMessage());
        store.complete(id(1));
        assertTrue(fetches.awaitMissing(plan).isDone());
        assertEquals(0, store.pins(id(1)), "the lease that came after the timeout was closed");
    }

    @Test
    void theMissingLayersAreHeldFromTheirFetchUntilTheCallerLetsThemGo() throws Exception {
        catalog.defineLayer("repo", desc(1, 1));
        catalog.defineLayer("repo", desc(2, 1));
        store.resident.add(id(2)); // resident since the plan: pinned at once
        InvocationPlan plan = new InvocationPlan("f", List.of(id(1), id(2)), List.of(id(1), id(2)), List.of(), ExperimentArm.NONE, 0);
        CompletableFuture<HeldLayers> held = CompletableFuture.supplyAsync(() -> {
            try {
                return fetches.holdMissing(plan, 30_000);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Await.until(Duration.ofSeconds(30), () -> store.pending.containsKey(id(1)), "the on-demand fetch of layer 1");
        store.complete(id(1));
        try (HeldLayers h = held.get(30, TimeUnit.SECONDS)) {
            assertEquals(2, h.size());
            assertEquals(1, store.pins(id(1)));
            assertEquals(1, store.pins(id(2)));
        }
        assertEquals(0, store.pins(id(1)) + store.pins(id(2)));
        assertEquals(1, history.newest(10).stream().filter(r -> r.layer().equals(id(1))).count(), "one recorded fetch");
    }

    @Test
    void aFailedFetchOfAMissingLayerIsAnIOExceptionAndTheOtherLayersAreNotLeftPinned() {
        catalog.defineLayer("repo", desc(1, 1));
        catalog.defineLayer("repo", desc(2, 1));
        store.resident.add(id(2));
        InvocationPlan plan = new InvocationPlan("f", List.of(id(1), id(2)), List.of(id(2), id(1)), List.of(), ExperimentArm.NONE, 0);
        fetches.fetchOnDemand("f", id(1), ExperimentArm.NONE);
        store.pending.get(id(1)).completeExceptionally(new IllegalStateException("layer 1: digest mismatch"));
        IOException e = assertThrows(IOException.class, () -> fetches.holdMissing(plan, 30_000));
        assertTrue(e.getMessage().contains("digest mismatch"), e.getMessage());
        assertEquals(0, store.pins(id(2)), "layer 2's lease was closed");
    }
}
