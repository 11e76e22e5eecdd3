package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.desc;
import static org.layerswap.swap.Fakes.id;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.testkit.FakeProfiler;

class LayerCatalogTest {

    private final FakeProfiler profiler = new FakeProfiler();
    private final LayerCatalog catalog = new LayerCatalog(profiler);

    private static FunctionDefinition def(String fn, String repo, int... layers) {
        return new FunctionDefinition(fn, "", repo, java.util.Arrays.stream(layers).mapToObj(n -> desc(n, n)).toList(), null);
    }

    @Test
    void aDefinitionSetsTheStackTheSourcesAndTellsTheProfiler() {
        assertEquals(List.of(id(1), id(2)), catalog.define(def("f", "repo/f", 1, 2)));
        assertEquals(List.of(id(1), id(2)), catalog.stackOf("f"));
        assertEquals("repo/f", catalog.source(id(2)).repository());
        assertSame(catalog.map(), profiler.functionLayers(), "the profiler has the current map");
        assertEquals("repo/f", catalog.function("f").orElseThrow().repository());
        assertTrue(catalog.function("g").isEmpty());
    }

    @Test
    void setStackTellsTheProfilerOnlyWhenTheStackChanged() {
        catalog.define(def("f", "r", 1));
        FunctionLayerMap before = catalog.map();
        FunctionLayerMap marker = FunctionLayerMap.of(java.util.Map.of("marker", List.of(id(99))));
        profiler.updateFunctionLayers(marker);
        catalog.setStack("f", List.of(id(1)));
        assertSame(before, catalog.map(), "same stack: same map");
        assertSame(marker, profiler.functionLayers(), "and the profiler was not told");
        catalog.setStack("f", List.of(id(1), id(3)));
        assertEquals(List.of(id(1), id(3)), profiler.functionLayers().layersOf("f"));
    }

    @Test
    void aBindingNeverOverridesAKnownSource() {
        catalog.define(def("f", "repo/f", 1));
        catalog.registerBound(new DataLayerBinding("f", "p", "v", "", "repo/data", List.of(desc(1, 1), desc(9, 1))));
        assertEquals("repo/f", catalog.source(id(1)).repository());
        assertEquals("repo/data", catalog.source(id(9)).repository());
        catalog.defineLayer("repo/other", desc(9, 1));
        assertEquals("repo/other", catalog.source(id(9)).repository(), "an explicit definition does");
        assertNull(catalog.source(id(5)));
    }

    @Test
    void unknownNamesAreRejectedNamingWhatIsDefined() {
        catalog.define(def("f", "r", 1));
        catalog.define(def("a", "r", 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> catalog.requireFunction("zz"));
        assertTrue(e.getMessage().contains("'zz'") && e.getMessage().contains("a, f"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> catalog.resolve("nothing"));
        assertTrue(e.getMessage().contains("'nothing' is neither") && e.getMessage().contains("a, f"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> catalog.resolve(id(7).toString()));
        assertTrue(e.getMessage().contains(id(7).toString()), e.getMessage());
    }

    @Test
    void resolveNamesAFunctionsStackOrOneKnownLayer() {
        catalog.define(def("f", "r", 1, 2));
        assertEquals(new LayerCatalog.Target("f", List.of(id(1), id(2))), catalog.resolve("f"));
        assertEquals(new LayerCatalog.Target("", List.of(id(2))), catalog.resolve(id(2).toString()));
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        List<String> seen = new CopyOnWriteArrayList<>();
        CatalogListener failing = new CatalogListener() {
            @Override
            public void functionDefined(FunctionDefinition def) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void dataLayerBound(DataLayerBinding b) {
            }
        };
        CatalogListener recording = new CatalogListener() {
            @Override
            public void functionDefined(FunctionDefinition def) {
                seen.add(def.functionId());
            }

            @Override
            public void dataLayerBound(DataLayerBinding b) {
            }
        };
        catalog.addListener(failing);
        catalog.addListener(recording);
        catalog.notifyListeners(l -> l.functionDefined(def("f", "r", 1)));
        catalog.removeListener(recording);
        catalog.notifyListeners(l -> l.functionDefined(def("g", "r", 1)));
        assertEquals(List.of("f"), seen);
    }
}
