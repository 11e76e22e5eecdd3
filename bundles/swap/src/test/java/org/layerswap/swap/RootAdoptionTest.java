package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.desc;
import static org.layerswap.swap.Fakes.id;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.SwapRecord;
import org.layerswap.testkit.FakeProfiler;

class RootAdoptionTest {

    private final Fakes.Store store = new Fakes.Store();
    private final Fakes.Backend backend = new Fakes.Backend("fake");
    private final LayerCatalog catalog = new LayerCatalog(new FakeProfiler());
    private final AtomicLong nanos = new AtomicLong();
    private final BoundedHistory<SwapRecord> history = new BoundedHistory<>(() -> 100, r -> { });
    private final RootComposer roots = new RootComposer(store, catalog, () -> 42L, () -> backend, Runnable::run, history,
            new PinLedger(nanos::get, 10));
    private final VariantRoots variants = new VariantRoots(roots);
    private final RootAdoption adoption = new RootAdoption(roots, catalog, variants, store);

    RootAdoptionTest() {
        for (int n : new int[] {1, 2, 9, 10}) {
            store.resident.add(id(n));
        }
        catalog.define(new FunctionDefinition("f", "", "repo/f", List.of(desc(1, 10), desc(2, 10)), null));
        bind("f", "dataset", "a", 9);
    }

    private void bind(String fn, String param, String value, int layer) {
        DataLayerBinding b = new DataLayerBinding(fn, param, value, "", "repo/data", List.of(desc(layer, 10)));
        catalog.registerBound(b);
        variants.bind(b);
    }

    private List<Path> dirs(int... ns) {
        return java.util.Arrays.stream(ns).mapToObj(n -> store.pathOf(id(n))).toList();
    }

    private int pinned(int n) {
        var c = store.pinned.get(id(n));
        return c == null ? 0 : c.get();
    }

    @Test
    void adoptsAFunctionRootAndAVariantRootBuiltFromTheirStacksWithoutComposingAndPinsTheirLayers() throws Exception {
        backend.compose("f", dirs(1, 2));
        String variant = VariantRoots.key("f", List.of(id(9)));
        backend.compose(variant, dirs(1, 2, 9));
        backend.log.clear();

        adoption.run(backend, false);

        assertEquals(List.of(), backend.log, "nothing composed, nothing removed");
        assertEquals(new RootComposer.Root(backend, List.of(id(1), id(2))), roots.root("f"));
        assertEquals(new RootComposer.Root(backend, List.of(id(1), id(2), id(9))), roots.root(variant));
        assertEquals(2, pinned(1), "pinned once per adopted root");
        assertEquals(1, pinned(9));
        assertEquals(List.of(variant), variants.variantKeys("f"), "the variant is known again (idle, in the LRU)");
        assertEquals("variant of f: dataset=a", variants.describe(variant));
        assertEquals(2, adoption.adoptedLines().size(), adoption.adoptedLines().toString());
        assertTrue(adoption.adoptedLines().contains("f on fake (generation 1, 2 layers)"), adoption.adoptedLines().toString());
        assertTrue(history.newest(10).stream().allMatch(r -> r.detail().startsWith("adopted ")));
    }

    @Test
    void cleansShadowRootsStaleStacksUnboundVariantsAndRootsOnDirectoriesTheStoreDoesNotHold() throws Exception {
        catalog.define(new FunctionDefinition("g", "", "repo/g", List.of(desc(1, 10), desc(2, 10)), null));
        backend.compose("f" + SwapManagerCore.SHADOW_SUFFIX, dirs(1, 2));
        backend.compose("g", dirs(1)); // the definition says 1, 2
        String unbound = VariantRoots.key("f", List.of(id(10)));
        backend.compose(unbound, dirs(1, 2, 10));
        backend.compose("h", List.of(Path.of("/elsewhere/layer")));
        backend.log.clear();

        adoption.run(backend, true);

        assertEquals(List.of("remove f#shadow", "remove g", "remove " + unbound, "remove h"),
                backend.log.stream().sorted().toList().stream().sorted((a, b) -> order(a) - order(b)).toList());
        List<String> cleaned = adoption.cleanedLines();
        assertEquals(4, cleaned.size(), cleaned.toString());
        assertTrue(cleaned.stream().anyMatch(l -> l.startsWith("f#shadow") && l.contains("shadow rollouts are not kept")), cleaned.toString());
        assertTrue(cleaned.stream().anyMatch(l -> l.startsWith("g ") && l.contains("other layers than the definition")), cleaned.toString());
        assertTrue(cleaned.stream().anyMatch(l -> l.startsWith(unbound) && l.contains("no longer bound")), cleaned.toString());
        assertTrue(cleaned.stream().anyMatch(l -> l.startsWith("h ") && l.contains("/elsewhere/layer is not a resident layer")),
                cleaned.toString());
        assertEquals(List.of(), adoption.adoptedLines());
        assertEquals(0, pinned(1));
    }

    private static int order(String s) {
        return s.contains("#") ? 0 : s.equals("remove g") ? 1 : s.contains("@") ? 2 : 3;
    }

    @Test
    void aRootOfAnUndefinedFunctionWaitsUntilTheCatalogIsCompleteThenIsCleaned() throws Exception {
        backend.compose("u", dirs(1));
        backend.log.clear();

        adoption.run(backend, false);
        assertEquals(List.of(), backend.log);
        assertEquals(1, adoption.pendingLines().size());
        assertTrue(adoption.pendingLines().get(0).contains("waiting for the catalog of u"), adoption.pendingLines().toString());

        adoption.run(backend, true);
        assertEquals(List.of("remove u"), backend.log);
        assertEquals(List.of(), adoption.pendingLines());
        assertTrue(adoption.cleanedLines().get(0).contains("function u is not defined"), adoption.cleanedLines().toString());
    }

    @Test
    void aRootTheManagerAlreadyKnowsIsLeftAloneAndAPassIsIdempotent() throws Exception {
        roots.compose(RootComposer.Job.atomic("f", "f", backend, List.of(), List.of(id(1), id(2)), ""));
        backend.log.clear();
        adoption.run(backend, true);
        adoption.run(backend, true);
        assertEquals(List.of(), backend.log);
        assertEquals(List.of(), adoption.adoptedLines());
        assertEquals(1, pinned(1), "not pinned a second time");
        assertNull(adoption.pendingLines().stream().findAny().orElse(null));
    }

    @Test
    void theFunctionOfABackendKeyIsFoundForShadowAndVariantKeysAndIdsThatLookLikeThem() {
        assertEquals("f", adoption.functionOf("f" + SwapManagerCore.SHADOW_SUFFIX));
        assertEquals("f", adoption.functionOf(VariantRoots.key("f", List.of(id(9)))));
        catalog.define(new FunctionDefinition("x@0123456789ab", "", "r", List.of(desc(1, 10)), null));
        assertEquals("x@0123456789ab", adoption.functionOf("x@0123456789ab"), "a defined id is its own function");
        assertEquals("y@short", adoption.functionOf("y@short"));
        assertNotNull(roots);
        assertFalse(adoption.functionOf("z").isEmpty());
    }

    @Test
    void aVariantWhoseBindingIsNotRestoredYetWaitsAndIsAdoptedOnceItArrives() throws Exception {
        String variant = VariantRoots.key("f", List.of(id(10)));
        backend.compose(variant, dirs(1, 2, 10));
        backend.log.clear();
        adoption.run(backend, false);
        assertEquals(List.of(), backend.log, "not cleaned while the catalog may still bring its binding");
        assertEquals(1, adoption.pendingLines().size());

        bind("f", "dataset", "b", 10);
        adoption.run(backend, true);
        assertEquals(List.of(), backend.log);
        assertNotNull(roots.root(variant));
        assertEquals("variant of f: dataset=b", variants.describe(variant));
        assertEquals(List.of(), adoption.pendingLines());
    }

    @Test
    void aRecoveredRootThatTheFunctionsFirstCompositionAdoptsOrReplacesIsReportedToo() throws Exception {
        backend.compose("f", dirs(2, 1)); // not f's stack (1, 2)
        assertNull(roots.adopt("f", backend, List.of(id(1), id(2))));
        assertEquals(List.of("f on fake (generation 1): built from other layers than its stack now: replaced by a new composition"),
                adoption.cleanedLines());
        backend.compose("f", dirs(1, 2));
        assertNotNull(roots.adopt("f", backend, List.of(id(1), id(2))));
        assertEquals(List.of("f on fake (generation 2, 2 layers)"), adoption.adoptedLines());
    }
}
