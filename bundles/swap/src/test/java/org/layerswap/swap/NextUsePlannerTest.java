package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.desc;
import static org.layerswap.swap.Fakes.id;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.LayerId;
import org.layerswap.api.NextUse;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.testkit.FakeProfiler;

class NextUsePlannerTest {

    /** Next use of each function, relative to the time asked. */
    private final Map<String, Long> inMillis = new ConcurrentHashMap<>();
    private final FakeProfiler profiler = new FakeProfiler() {
        @Override
        public NextUse nextUse(String functionId, long nowMillis) {
            Long d = inMillis.get(functionId);
            return d == null ? null : new NextUse(nowMillis + d, nowMillis + d, false);
        }

        @Override
        public double nextUseProbability(String functionId, long nowMillis, long horizonMillis) {
            return inMillis.containsKey(functionId) ? 1.0 : Double.NaN;
        }
    };
    private final Fakes.Store store = new Fakes.Store();
    private final LayerCatalog catalog = new LayerCatalog(profiler);
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final Deque<Runnable> fetchWorker = new ArrayDeque<>();
    private final ScheduledExecutorService plannerThread = Executors.newSingleThreadScheduledExecutor();
    private final NextUsePlanner planner = new NextUsePlanner(() -> SwapSettings.DEFAULT, catalog, store, profiler, clock::get,
            plannerThread, id -> 0.7);
    private final FetchCoordinator fetches = new FetchCoordinator(store, catalog, clock::get, fetchWorker::add,
            new BoundedHistory<PrefetchRecord>(() -> 100, r -> { }), () -> null, (id, bytes, score) -> planner.makeRoom(id, bytes),
            id -> { }, () -> { });

    NextUsePlannerTest() {
        planner.useFetches(fetches);
    }

    @AfterEach
    void stop() {
        plannerThread.shutdownNow();
    }

    private void define(String fn, int... layers) {
        catalog.define(new FunctionDefinition(fn, "", "repo",
                java.util.Arrays.stream(layers).mapToObj(n -> desc(n, 100)).toList(), null));
    }

    private Set<LayerId> prefetching(String fn) {
        return fetches.inFlight().stream().filter(r -> r.priority() == FetchPriority.PREFETCH && r.functionId().equals(fn))
                .map(PrefetchRecord::layer).collect(Collectors.toSet());
    }

    /** Runs the prefetches the planner started and makes them resident. */
    private void completePrefetches() {
        for (Runnable r; (r = fetchWorker.poll()) != null; ) {
            r.run();
        }
        for (LayerId id : List.copyOf(store.pending.keySet())) {
            store.complete(id);
        }
    }

    @Test
    void aFunctionDueBeforeTheNextDecisionHasItsMissingLayersPrefetchedThroughTheFetchCoordinator() {
        define("timer", 1, 2);
        define("rare", 3);
        inMillis.put("timer", 5_000L);
        inMillis.put("rare", 3_600_000L);
        planner.run();
        assertEquals(Set.of(id(1), id(2)), prefetching("timer"));
        assertEquals(Set.of(), prefetching("rare"), "an hour away: not due");
    }

    @Test
    void roomForAPrefetchIsMadeByTheLayerNeededFurthestAwayAndNeverByOneNeededSooner() {
        define("soon", 1);
        define("far", 2);
        define("mid", 3);
        define("never", 4);
        inMillis.putAll(Map.of("soon", 1_000L, "far", 10_000_000L, "mid", 60_000L, "never", 100_000_000L));
        store.resident.addAll(List.of(id(1), id(2)));
        store.budget = 200;
        store.used = 200;
        planner.run();
        assertNull(planner.makeRoom(id(3), 100));
        assertEquals(List.of(id(2)), store.evicted);
        assertNotNull(planner.makeRoom(id(4), 100), "layer 1 is needed before layer 4");
        assertEquals(List.of(id(2)), store.evicted);
    }

    @Test
    void theStoresEvictionKeyIsLargerForTheLayerNeededLaterAndUnknownForOthers() {
        define("soon", 1);
        define("far", 2);
        inMillis.putAll(Map.of("soon", 1_000L, "far", 10_000_000L));
        store.resident.addAll(List.of(id(1), id(2), id(9)));
        planner.run();
        assertTrue(planner.evictionKey(id(2)) > planner.evictionKey(id(1)));
        assertTrue(planner.evictionKey(id(9)) > planner.evictionKey(id(2)), "no function uses it: LRU-like guess, large");
        assertTrue(Double.isNaN(planner.evictionKey(id(5))), "not resident");
    }

    @Test
    void aFunctionWhosePrefetchWasEvictedUnusedIsNotPrefetchedAgain() {
        define("timer", 1);
        inMillis.put("timer", 5_000L);
        planner.run();
        completePrefetches();
        clock.addAndGet(1_000);
        planner.run(); // sees layer 1 resident, by its prefetch
        store.resident.remove(id(1)); // evicted (by the store) before any invocation used it
        clock.addAndGet(1_000);
        planner.run();
        assertEquals(Set.of(), prefetching("timer"));
    }

    @Test
    void aPrefetchUsedByAnInvocationKeepsTheFunctionsCredit() {
        define("timer", 1);
        inMillis.put("timer", 5_000L);
        planner.run();
        completePrefetches();
        clock.addAndGet(1_000);
        planner.run();
        planner.invoked("timer");
        clock.addAndGet(1_000);
        planner.run(); // the invocation used the prefetched layer
        store.resident.remove(id(1));
        clock.addAndGet(1_000);
        planner.run();
        assertEquals(Set.of(id(1)), prefetching("timer"), "used once, wasted once: still allowed");
    }

    @Test
    void invocationsWaitingForThePlannerAreBoundedAndTheOverflowIsCountedNotKept() throws Exception {
        define("timer", 1);
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        plannerThread.submit(() -> { hold.await(); return null; }); // the planner thread is busy: nothing drains meanwhile
        for (int i = 0; i < NextUsePlanner.MAX_QUEUED_INVOCATIONS + 10; i++) {
            planner.invoked("timer");
        }
        assertEquals(NextUsePlanner.MAX_QUEUED_INVOCATIONS, planner.queuedInvocations());
        assertEquals(10, planner.droppedInvocations());
        hold.countDown();
        plannerThread.submit(() -> { }).get(); // the run the overflow asked for has been queued before this
        assertEquals(0, planner.queuedInvocations(), "the run the overflow asked for drains the queue");
    }
}
