package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.desc;
import static org.layerswap.swap.Fakes.id;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.LayerId;
import org.layerswap.api.RootLease;
import org.layerswap.testkit.Await;
import org.layerswap.testkit.FakeProfiler;

/** Parameter-selected data layers: per-invocation variant roots (fake store and backend). */
class VariantRootsTest {

    /** How long a positive check waits for the composer thread. */
    private static final Duration WAIT = Duration.ofSeconds(15);

    private Fakes.Store store;
    private FakeProfiler profiler;
    private Fakes.Backend backend;
    private SwapManagerCore core;
    /** The pin ledger's clock: pins are released when a test advances it. */
    private final AtomicLong nanos = new AtomicLong();

    @BeforeEach
    void setUp() {
        store = new Fakes.Store();
        profiler = new FakeProfiler();
        backend = new Fakes.Backend("fake");
    }

    @AfterEach
    void tearDown() {
        if (core != null) {
            core.close();
        }
    }

    private SwapManagerCore start(boolean composeAhead) {
        core = new SwapManagerCore(new SwapSettings(0.5, 4, 4, 64, false, composeAhead, 0.1, 10, 0.01, 0.1, 100, CostModel.DEFAULT),
                profiler, store, backend, System::currentTimeMillis, new PinLedger(nanos::get, SwapManagerCore.PIN_RELEASE_DELAY_NANOS));
        core.start();
        core.defineFunction("f", "repo/f", List.of(desc(1, 10), desc(2, 10)));
        core.bindDataLayer(new DataLayerBinding("f", "dataset", "a", "data/a:1", "repo/data", List.of(desc(9, 100))));
        core.bindDataLayer(new DataLayerBinding("f", "dataset", "b", "data/b:1", "repo/data", List.of(desc(10, 100))));
        return core;
    }

    private static String key(LayerId... data) {
        return VariantRoots.key("f", List.of(data));
    }

    private long composes(String key) {
        return backend.log.stream().filter(s -> s.equals("compose " + key)).count();
    }

    private void allResident() {
        for (int n : new int[] {1, 2, 9, 10, 11}) {
            store.resident.add(id(n));
        }
    }

    @Test
    void paramsPutTheirDataLayersOnTopAndEachVariantRootIsComposedOnceAndReused() throws Exception {
        start(false);
        allResident();
        InvocationPlan a = core.handleInvocation("f", Map.of("dataset", "a", "other", "x"));
        InvocationPlan b = core.handleInvocation("f", Map.of("dataset", "b"));
        InvocationPlan none = core.handleInvocation("f", Map.of("dataset", "unbound"));
        assertEquals(List.of(id(1), id(2), id(9)), a.layers());
        assertEquals(List.of(id(1), id(2), id(10)), b.layers());
        assertEquals(List.of(id(1), id(2)), none.layers());
        try (RootLease la = core.enter(a); RootLease lb = core.enter(b); RootLease ln = core.enter(none);
             RootLease la2 = core.enter(core.handleInvocation("f", Map.of("dataset", "a")))) {
            assertEquals(List.of(store.pathOf(id(1)), store.pathOf(id(2)), store.pathOf(id(9))), backend.roots.get(key(id(9))));
            assertEquals(List.of(store.pathOf(id(1)), store.pathOf(id(2)), store.pathOf(id(10))), backend.roots.get(key(id(10))));
            assertEquals(List.of(store.pathOf(id(1)), store.pathOf(id(2))), backend.roots.get("f"));
            assertNotEquals(la.root(), lb.root());
            assertNotEquals(la.root(), ln.root());
            assertEquals(la.root(), la2.root(), "same parameters, same variant root");
            assertEquals("f", la.functionId());
            assertEquals(1, composes(key(id(9))), "composed once, reused");
            assertEquals(4, core.inFlight("f"));
            assertTrue(key(id(9)).matches("f@[0-9a-f]{12}"), key(id(9)));
            assertTrue(core.composedView().get(key(id(9))).contains("variant of f: dataset=a"), core.composedView().toString());
            assertEquals(3, store.pinned.get(id(1)).get(), "the base layer is pinned once per root: f and two variants");
        }
        assertEquals(0, core.inFlight("f"));
    }

    @Test
    void missingDataLayersAreFetchedOnDemandAndAwaitedByEnter() throws Exception {
        start(false);
        store.resident.add(id(1));
        store.resident.add(id(2));
        InvocationPlan a = core.handleInvocation("f", Map.of("dataset", "a"));
        assertEquals(List.of(id(9)), a.missing());
        assertEquals(1, store.calls(id(9), FetchPriority.ON_DEMAND));
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            store.complete(id(9));
        });
        t.start();
        try (RootLease l = core.enter(a, 5_000)) {
            assertEquals(3, l.layerDirs().size());
            assertTrue(l.layerWaitMicros() > 0);
        }
        t.join();
    }

    @Test
    void boundPerFunctionRemovesTheLeastRecentlyUsedIdleVariantNeverOneInUse() throws Exception {
        start(false);
        core.bindDataLayer(new DataLayerBinding("f", "dataset", "c", "", "repo/data", List.of(desc(11, 100))));
        allResident();
        core.setMaxVariantsPerFunction(1);
        core.enter(core.handleInvocation("f", Map.of())).close(); // the function's own root
        RootLease a = core.enter(core.handleInvocation("f", Map.of("dataset", "a")));
        RootLease b = core.enter(core.handleInvocation("f", Map.of("dataset", "b")));
        core.awaitComposerIdle(); // trims run on the composer thread: any (wrong) removal of a root in use has happened now
        assertTrue(backend.roots.containsKey(key(id(9))), "a variant in use is never removed");
        assertTrue(backend.roots.containsKey(key(id(10))));
        a.close();
        Await.until(WAIT, () -> !backend.roots.containsKey(key(id(9))), "the idle least recently used variant removed");
        assertTrue(backend.roots.containsKey(key(id(10))), "the variant in use stays");
        b.close();
        try (RootLease c = core.enter(core.handleInvocation("f", Map.of("dataset", "c")))) {
            Await.until(WAIT, () -> !backend.roots.containsKey(key(id(10))), "b removed once c is the most recent");
            assertEquals(List.of(key(id(11))), core.variantRoots("f"));
        }
        assertTrue(backend.roots.containsKey("f"), "the function's own root is not a variant");
        assertEquals(1, store.pinned.get(id(9)).get(), "the removed variant's pins stay for the release delay");
        // pins are released the release delay after a root is superseded: advance the ledger's clock past it
        Await.until(WAIT, () -> {
            nanos.addAndGet(SwapManagerCore.PIN_RELEASE_DELAY_NANOS);
            core.releaseStalePins();
            return store.pinned.get(id(9)).get() == 0;
        }, "layer pins of the removed variant released");
    }

    @Test
    void redefinitionWithAnotherStackRetiresVariantsAfterTheirInvocationsEnd() throws Exception {
        start(false);
        allResident();
        store.resident.add(id(3));
        RootLease held = core.enter(core.handleInvocation("f", Map.of("dataset", "a")));
        try (RootLease idle = core.enter(core.handleInvocation("f", Map.of("dataset", "b")))) {
            assertEquals(3, idle.layerDirs().size());
        }
        core.defineFunction("f", "repo/f", List.of(desc(1, 10), desc(2, 10))); // same stack: variants stay
        core.awaitComposerIdle(); // retirements run on the composer thread
        assertEquals(2, core.variantRoots("f").size());
        core.defineFunction("f", "repo/f", List.of(desc(1, 10), desc(3, 10)));
        Await.until(WAIT, () -> !backend.roots.containsKey(key(id(10))), "the idle variant removed");
        assertTrue(backend.roots.containsKey(key(id(9))), "the held variant stays while its invocation runs");
        assertEquals(3, held.layerDirs().size());
        held.close();
        Await.until(WAIT, () -> !backend.roots.containsKey(key(id(9))), "the held variant removed after its invocation");
        InvocationPlan p = core.handleInvocation("f", Map.of("dataset", "a"));
        assertEquals(List.of(id(1), id(3), id(9)), p.layers(), "bindings survive the re-definition");
        try (RootLease l = core.enter(p)) {
            assertEquals(List.of(store.pathOf(id(1)), store.pathOf(id(3)), store.pathOf(id(9))), backend.roots.get(key(id(9))));
        }
    }

    @Test
    void rebindingAValueRetiresTheVariantOfTheOldLayer() throws Exception {
        start(false);
        allResident();
        core.enter(core.handleInvocation("f", Map.of("dataset", "a"))).close();
        core.bindDataLayer(new DataLayerBinding("f", "dataset", "a", "", "repo/data", List.of(desc(11, 100))));
        Await.until(WAIT, () -> !backend.roots.containsKey(key(id(9))), "the old variant removed");
        assertEquals(List.of(id(1), id(2), id(11)), core.handleInvocation("f", Map.of("dataset", "a")).layers());
        assertEquals(2, core.dataLayerBindings("f").size());
    }

    @Test
    void unbindingRemovesIdleVariantsAtOnceAndHeldOnesWhenTheirInvocationEnds() throws Exception {
        start(false);
        allResident();
        core.enter(core.handleInvocation("f", Map.of("dataset", "a"))).close();
        RootLease held = core.enter(core.handleInvocation("f", Map.of("dataset", "b")));
        assertTrue(core.unbindDataLayer("f", "dataset", "a").isPresent());
        Await.until(WAIT, () -> !backend.roots.containsKey(key(id(9))), "the idle variant of a removed");
        assertEquals(List.of(id(1), id(2)), core.handleInvocation("f", Map.of("dataset", "a")).layers(), "a runs on f's own layers");
        assertTrue(core.unbindDataLayer("f", "dataset", "b").isPresent());
        core.awaitComposerIdle();
        assertTrue(backend.roots.containsKey(key(id(10))), "the held variant stays while its invocation runs");
        assertEquals(3, held.layerDirs().size());
        held.close();
        Await.until(WAIT, () -> !backend.roots.containsKey(key(id(10))), "the held variant removed after its invocation");
        assertEquals(List.of(), core.dataLayerBindings("f"));
        assertEquals(List.of(), core.variantRoots("f"));
        assertFalse(core.unbindDataLayer("f", "dataset", "b").isPresent(), "nothing left to unbind");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> core.unbindDataLayer("g", "dataset", "a"));
        assertTrue(e.getMessage().contains("unknown function 'g'; defined functions: f"), e.getMessage());
    }

    @Test
    void aVariantStillProvidedByAnotherBindingStaysWhenOneValueIsUnbound() throws Exception {
        start(false);
        allResident();
        core.bindDataLayer(new DataLayerBinding("f", "dataset", "alias", "", "repo/data", List.of(desc(9, 100))));
        core.enter(core.handleInvocation("f", Map.of("dataset", "a"))).close();
        assertTrue(core.unbindDataLayer("f", "dataset", "a").isPresent());
        core.awaitComposerIdle();
        assertTrue(backend.roots.containsKey(key(id(9))), "dataset=alias still selects the same data layer");
        assertEquals(List.of(id(1), id(2), id(9)), core.handleInvocation("f", Map.of("dataset", "alias")).layers());
    }

    @Test
    void variantRootsMigrateOnABackendSwitch() throws Exception {
        start(false);
        allResident();
        RootLease running = core.enter(core.handleInvocation("f", Map.of("dataset", "a")));
        Fakes.Backend next = new Fakes.Backend("next");
        core.setBackend(next, "test");
        Await.until(WAIT, () -> next.roots.containsKey(key(id(9))), "the variant composed on the new backend");
        assertEquals(3, next.roots.get(key(id(9))).size());
        assertEquals(Path.of("/r", key(id(9)), "gen-1"), running.root(), "the running invocation keeps its tree");
        running.close();
        try (RootLease l = core.enter(core.handleInvocation("f", Map.of("dataset", "a")))) {
            assertTrue(l.root().startsWith(Path.of("/r", key(id(9)))));
            assertEquals(1, next.leases.get(key(id(9))).get(), "entered on the new backend");
        }
        assertTrue(core.composedView().get(key(id(9))).startsWith("next 3 layers"), core.composedView().toString());
    }

    @Test
    void predictedDataLayersGetTheirVariantComposedAhead() throws Exception {
        start(true);
        allResident();
        profiler.setOptionalLayers(Map.of(id(9), 0.9, id(10), 0.1));
        core.handleInvocation("f", Map.of());
        Await.until(WAIT, () -> backend.roots.containsKey(key(id(9))), "variant of the predicted data layer composed ahead");
        assertFalse(backend.roots.containsKey(key(id(10))), "below the threshold: not composed");
        store.resident.remove(id(10));
        profiler.push(id(10), 0.8);
        core.awaitComposerIdle(); // a composition ahead would run on the composer thread
        assertFalse(backend.roots.containsKey(key(id(10))), "not resident yet: waits");
        assertEquals(List.of(id(10)), core.prefetch(id(10).toString()));
        Await.until(WAIT, () -> store.pending.containsKey(id(10)), "the prefetch started");
        store.complete(id(10));
        Await.until(WAIT, () -> backend.roots.containsKey(key(id(10))), "composed once the predicted data layer is resident");
        long before = composes(key(id(9)));
        try (RootLease l = core.enter(core.handleInvocation("f", Map.of("dataset", "a")))) {
            assertEquals(before, composes(key(id(9))), "the invocation reuses the root composed ahead");
        }
    }

    @Test
    void badBindingsAreRefusedNamingWhatIsValid() {
        start(false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> core.bindDataLayer(new DataLayerBinding("nope", "p", "v", "", "r", List.of(desc(9, 1)))));
        assertTrue(e.getMessage().contains("unknown function 'nope'") && e.getMessage().contains("defined functions: f"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> core.bindDataLayer("f", "p", "v", id(77)));
        assertTrue(e.getMessage().contains("unknown layer " + id(77)) && e.getMessage().contains(id(9).toString()), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DataLayerBinding("f", "a=b", "v", "", "r", List.of(desc(9, 1))));
        assertTrue(e.getMessage().contains("bad parameter name 'a=b'"), e.getMessage());
        assertEquals(List.of(id(9)), core.bindDataLayer("f", "q", "1", id(9)), "a known layer binds by digest");
    }
}
