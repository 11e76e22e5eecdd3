package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.desc;
import static org.layerswap.swap.Fakes.id;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.RestartReport;
import org.layerswap.api.RootLease;
import org.layerswap.testkit.Await;
import org.layerswap.testkit.FakeProfiler;

/** The swap manager's restart: recovered roots adopted or cleaned, journaled prefetches resumed, all in its report. */
class RestartRecoveryTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final SwapSettings SETTINGS = new SwapSettings(0.5, 4, 4, 64, false, true, 0.5, 10, 0.01, 0.10, 100,
            CostModel.DEFAULT);

    @TempDir
    Path journal;

    private final Fakes.Store store = new Fakes.Store();
    private final Fakes.Backend backend = new Fakes.Backend("fake");
    private SwapManagerCore core;

    @AfterEach
    void tearDown() {
        if (core != null) {
            core.close();
        }
    }

    private SwapManagerCore newCore() throws Exception {
        SwapManagerCore c = new SwapManagerCore(SETTINGS, new FakeProfiler(), store, backend, System::currentTimeMillis);
        c.usePrefetchJournal(journal);
        return c;
    }

    @Test
    void aPrefetchCutByTheStopIsStartedAgainOnceTheCatalogKnowsItsLayerAndTheReportSaysSo() throws Exception {
        SwapManagerCore first = newCore();
        first.start();
        first.defineFunction("f", "repo/f", List.of(desc(1, 100)));
        assertEquals(List.of(id(1)), first.prefetch("f"));
        Await.until(WAIT, () -> store.calls(id(1), FetchPriority.PREFETCH) == 1, "the first run's prefetch reaches the store");
        first.close(); // the fetch never completed: it stays journaled

        core = newCore();
        core.start();
        core.defineFunction("f", "repo/f", List.of(desc(1, 100))); // as the catalog restore does
        core.catalogRestored("function catalog: 1 function(s)");
        Await.until(WAIT, () -> store.calls(id(1), FetchPriority.PREFETCH) == 2, "the prefetch started again");
        RestartReport r = core.restartReport();
        assertEquals(List.of(id(1) + " for f"), r.resumed());
        assertEquals(List.of("function catalog: 1 function(s)"), r.restored());
        assertEquals(1, core.fetchesInFlight().size());
    }

    @Test
    void recoveredRootsAreAdoptedOrCleanedWhenTheCatalogIsRestoredAndRunInvocationsWithoutANewGeneration() throws Exception {
        for (int n : new int[] {1, 2, 9}) {
            store.resident.add(id(n));
        }
        String variant = VariantRoots.key("f", List.of(id(9)));
        backend.compose("f", List.of(store.pathOf(id(1)), store.pathOf(id(2)))); // as the backend's recovery left them
        backend.compose(variant, List.of(store.pathOf(id(1)), store.pathOf(id(2)), store.pathOf(id(9))));
        backend.compose("gone", List.of(store.pathOf(id(1))));
        backend.compose("f#shadow", List.of(store.pathOf(id(2))));
        backend.log.clear();

        core = newCore();
        core.start();
        core.defineFunction("f", "repo/f", List.of(desc(1, 1), desc(2, 1)));
        core.bindDataLayer(new DataLayerBinding("f", "dataset", "a", "", "repo/d", List.of(desc(9, 1))));
        core.catalogRestored("function catalog: 1 function(s), 1 data layer binding(s)");
        Await.until(WAIT, () -> core.restartReport().cleaned().size() == 2, "the pass after the catalog restore");
        core.awaitComposerIdle();

        RestartReport r = core.restartReport();
        assertEquals(2, r.adopted().size(), r.toString());
        assertTrue(r.cleaned().stream().anyMatch(l -> l.startsWith("gone ") && l.contains("function gone is not defined")), r.toString());
        assertTrue(r.cleaned().stream().anyMatch(l -> l.startsWith("f#shadow ")), r.toString());
        assertEquals(List.of(), r.pending());
        assertEquals(List.of("remove f#shadow", "remove gone"), backend.log.stream().sorted().toList(), "nothing composed");
        try (RootLease own = core.enter(core.handleInvocation("f", Map.of()));
             RootLease data = core.enter(core.handleInvocation("f", Map.of("dataset", "a")))) {
            assertEquals(1, own.generation());
            assertEquals(1, data.generation(), "the adopted variant root, not a new one");
        }
        assertEquals(List.of("remove f#shadow", "remove gone"), backend.log.stream().sorted().toList());
    }
}
