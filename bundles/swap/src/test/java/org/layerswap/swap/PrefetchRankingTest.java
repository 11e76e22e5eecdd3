package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.desc;
import static org.layerswap.swap.Fakes.id;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.testkit.FakeProfiler;

class PrefetchRankingTest {

    private final Fakes.Store store = new Fakes.Store();
    private final LayerCatalog catalog = new LayerCatalog(new FakeProfiler());
    private final Deque<Runnable> worker = new ArrayDeque<>();
    private final Map<String, Integer> live = new ConcurrentHashMap<>();
    private volatile SwapSettings settings = settings(false, 2);
    private final PrefetchRanking ranking = new PrefetchRanking(() -> settings, catalog, store, System::currentTimeMillis, worker::add,
            fn -> live.getOrDefault(fn, 0));

    private static SwapSettings settings(boolean prefetchOnScoreChange, int candidateLimit) {
        return new SwapSettings(0.5, 1, 4, candidateLimit, prefetchOnScoreChange, false, 0.1, 10, 0.01, 0.1, 100, CostModel.DEFAULT);
    }

    private void runWorker() {
        for (Runnable r; (r = worker.poll()) != null; ) {
            r.run();
        }
    }

    @Test
    void ranksOnlyKnownLayersAtOrAboveTheThresholdUpToTheCandidateLimit() {
        for (int n = 1; n <= 4; n++) {
            catalog.defineLayer("repo", desc(n, 100));
        }
        ranking.score(id(1), 0.9);
        ranking.score(id(2), 0.7);
        ranking.score(id(3), 0.6);
        ranking.score(id(4), 0.49);
        ranking.score(id(5), 0.99); // no known source
        ranking.schedule();
        runWorker();
        assertEquals(List.of(id(1), id(2)), ranking.ranked().stream().map(PrefetchPlanner.Planned::id).toList());
    }

    @Test
    void changesWhileARebuildIsQueuedAreCoveredByIt() {
        ranking.schedule();
        ranking.schedule();
        assertEquals(1, worker.size());
        runWorker();
        ranking.schedule();
        assertEquals(1, worker.size(), "a new change after the rebuild queues the next one");
    }

    @Test
    void prefetchesOnScoreChangeWithinTheConcurrencyLimit() {
        settings = settings(true, 10);
        BoundedHistory<PrefetchRecord> history = new BoundedHistory<>(() -> 10, r -> { });
        ranking.useFetches(new FetchCoordinator(store, catalog, System::currentTimeMillis, worker::add, history, () -> null, ranking,
                id -> { }, () -> { }));
        catalog.defineLayer("repo", desc(1, 1));
        catalog.defineLayer("repo", desc(2, 1));
        ranking.score(id(1), 0.9);
        ranking.score(id(2), 0.8);
        ranking.rebuild();
        runWorker();
        assertEquals(1, store.calls.stream().filter(c -> c.priority() == FetchPriority.PREFETCH).count(),
                "one prefetch: the limit is 1");
        assertTrue(ranking.nodeView().isFetching(id(1)));
    }

    @Test
    void disruptionIsTheShareOfALayersFunctionsRunningInvocations() {
        catalog.define(new FunctionDefinition("f", "", "r", List.of(desc(1, 1)), null));
        catalog.define(new FunctionDefinition("g", "", "r", List.of(desc(1, 1)), null));
        live.put("f", 2);
        assertEquals(0.5, ranking.nodeView().disruption(id(1)), 1e-9);
        assertEquals(0.0, ranking.nodeView().disruption(id(7)), 1e-9);
    }

    @Test
    void makesRoomByEvictingAnUnpredictedIdleLayerButNeverAPredictedOne() {
        store.budget = 1000;
        store.used = 1000;
        store.resident.add(id(40));
        assertNull(ranking.makeRoom(id(41), 50, 0.9), "room made");
        assertEquals(List.of(id(40)), store.evicted);
        store.resident.add(id(42));
        ranking.score(id(42), 0.95);
        String why = ranking.makeRoom(id(43), 50, 0.9);
        assertTrue(why != null && why.startsWith("no room for " + id(43)), why);
        assertEquals(List.of(id(40)), store.evicted, "the predicted layer stays");
        store.used = 0;
        assertNull(ranking.makeRoom(id(44), 50, 0.9), "within the budget: nothing to do");
    }
}
