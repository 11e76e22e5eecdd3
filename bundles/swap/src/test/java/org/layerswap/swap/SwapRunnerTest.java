package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.desc;
import static org.layerswap.swap.Fakes.id;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.api.RootLease;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapOutcome;
import org.layerswap.api.SwapRecord;
import org.layerswap.testkit.FakeProfiler;

class SwapRunnerTest {

    private final Fakes.Store store = new Fakes.Store();
    private final Fakes.Backend backend = new Fakes.Backend("fake");
    private final FakeProfiler profiler = new FakeProfiler();
    private final LayerCatalog catalog = new LayerCatalog(profiler);
    private final BoundedHistory<SwapRecord> history = new BoundedHistory<>(() -> 100, r -> { });
    /** The composer thread: tasks run when the test says so. */
    private final Deque<Runnable> composer = new ArrayDeque<>();
    private final RootComposer roots = new RootComposer(store, catalog, () -> 1L, () -> backend, composer::add, history,
            new PinLedger(System::nanoTime, 0));
    private volatile boolean composeAhead;
    private SwapRunner swaps;
    private final FetchCoordinator fetches = new FetchCoordinator(store, catalog, () -> 1L, Runnable::run,
            new BoundedHistory<PrefetchRecord>(() -> 10, r -> { }), () -> null, (id, b, s) -> null, id -> swaps.onResident(id), () -> { });

    {
        swaps = new SwapRunner(() -> new SwapSettings(0.5, 4, 4, 64, false, composeAhead, 0.5, 2, 0.01, 0.1, 100, CostModel.DEFAULT),
                () -> backend, store, catalog, roots, fetches, new VariantRoots(roots), composer::add, history, 0);
        catalog.define(new FunctionDefinition("f", "", "repo", List.of(desc(1, 1)), null));
        catalog.defineLayer("repo", desc(2, 1));
    }

    private void runComposer() {
        for (Runnable r; (r = composer.poll()) != null; ) {
            r.run();
        }
    }

    @Test
    void atomicAndCopyOnWriteSwapsMakeTheirLayersTheFunctionsStack() {
        store.resident.add(id(1));
        store.resident.add(id(2));
        assertEquals(SwapOutcome.SUCCEEDED, swaps.swap("f", List.of(id(2)), SwapMode.ATOMIC, 0).outcome());
        assertEquals(List.of(id(2)), catalog.stackOf("f"));
        assertEquals(List.of(id(2)), profiler.functionLayers().layersOf("f"));
        SwapRecord cow = swaps.swap("f", List.of(id(1), id(2)), SwapMode.COPY_ON_WRITE, 0);
        assertEquals(List.of(id(2)), cow.fromLayers());
        assertEquals(List.of("compose f", "cow f"), backend.log);
    }

    @Test
    void aShadowSwapComposesTheCandidateBesideTheCurrentRootAndStartsOneRollout() {
        store.resident.add(id(1));
        store.resident.add(id(2));
        SwapRecord direct = swaps.swap("f", List.of(id(1)), SwapMode.SHADOW, 0);
        assertEquals("no current layer set to compare with: composed directly", direct.detail());
        SwapRecord s = swaps.swap("f", List.of(id(2)), SwapMode.SHADOW, 0.3);
        assertEquals(List.of(SwapOutcome.SHADOWING, "share 0.3"), List.of(s.outcome(), s.detail()));
        assertTrue(backend.roots.containsKey("f#shadow"));
        assertEquals(List.of(id(1)), catalog.stackOf("f"), "the stack changes only on promotion");
        assertTrue(swaps.shadows().isRunning("f"));
        SwapRecord again = swaps.swap("f", List.of(id(2)), SwapMode.SHADOW, 0.3);
        assertEquals(SwapOutcome.FAILED, again.outcome());
        assertEquals("function f already has a shadow rollout running", again.detail());
    }

    @Test
    void aStagedSwapRunsOnceWhenItsLayersAreResident() {
        store.resident.add(id(1));
        swaps.stage("f", List.of(id(1), id(2)), SwapMode.ATOMIC, 0);
        runComposer();
        assertEquals(List.of(), backend.log, "id(2) is still being fetched");
        store.complete(id(2));
        runComposer();
        assertEquals(List.of(id(1), id(2)), catalog.stackOf("f"));
        swaps.onResident(id(2));
        runComposer();
        assertEquals(List.of("compose f"), backend.log, "ran once");
    }

    @Test
    void withComposeAheadAResidentStackIsComposedBeforeItsFirstInvocation() {
        composeAhead = true;
        store.resident.add(id(1));
        swaps.onResident(id(1));
        runComposer();
        assertEquals("composed ahead of invocation", history.newest(1).get(0).detail());
        swaps.onResident(id(1));
        assertTrue(composer.isEmpty(), "composed already: nothing to do");
    }

    @Test
    void anInvocationComposesAMissingRootOrSaysWhyItCannot() throws Exception {
        store.resident.add(id(1));
        try (RootLease l = swaps.enterFunctionRoot("f")) {
            assertEquals("f", l.functionId());
        }
        catalog.define(new FunctionDefinition("g", "", "repo", List.of(desc(3, 1)), null));
        backend.failCompose = "mount failed";
        store.resident.add(id(3));
        IOException e = assertThrows(IOException.class, () -> swaps.enterFunctionRoot("g"));
        assertEquals("cannot compose the root of g: mount failed", e.getMessage());
        assertFalse(backend.roots.containsKey("g"));
    }
}
