package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.desc;
import static org.layerswap.swap.Fakes.id;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.LayerId;

class DataLayerBindingTableTest {

    private static DataLayerBinding binding(String fn, String param, String value, int... layers) {
        return new DataLayerBinding(fn, param, value, "data/" + value, "repo/data",
                java.util.Arrays.stream(layers).mapToObj(n -> desc(n, 100)).toList());
    }

    private final DataLayerBindingTable table = new DataLayerBindingTable();

    @Test
    void aFunctionsBoundLayersAreTheUnionOfItsBindingsAndAFunctionWithoutBindingsIsForgotten() {
        table.bind(binding("f", "dataset", "a", 9));
        table.bind(binding("f", "dataset", "b", 10, 11));
        table.bind(binding("g", "region", "eu", 10));
        assertEquals(Set.of(id(9), id(10), id(11)), table.layersOf("f"));
        table.bind(binding("f", "dataset", "b", 12)); // re-binding the same value replaces it
        assertEquals(Set.of(id(9), id(12)), table.layersOf("f"));
        assertEquals(List.of("a", "b"), table.list("f").stream().map(DataLayerBinding::paramValue).toList());
        assertNull(table.unbind("f", "dataset", "zzz"), "not bound: nothing removed");
        assertNull(table.unbind("nobody", "dataset", "a"));
        assertEquals("a", table.unbind("f", "dataset", "a").paramValue());
        assertEquals(Set.of(id(12)), table.layersOf("f"));
        table.unbind("f", "dataset", "b");
        assertEquals(Set.of(), table.layersOf("f"));
        assertEquals(Map.of(), table.of("f"));
        assertEquals(List.of("g"), table.list(null).stream().map(DataLayerBinding::functionId).toList());
    }

    @Test
    void whichFunctionsBindALayerAndWhetherItIsADataLayerAtAll() {
        table.bind(binding("f", "dataset", "a", 9, 10));
        table.bind(binding("g", "region", "eu", 10));
        assertEquals(Set.of("f", "g"), Set.copyOf(table.functionsBinding(id(10))));
        assertEquals(List.of("f"), table.functionsBinding(id(9)));
        assertTrue(table.isDataLayer(id(9)));
        assertFalse(table.isDataLayer(id(1)));
        table.unbind("g", "region", "eu");
        assertEquals(List.of("f"), table.functionsBinding(id(10)));
    }

    @Test
    void theSelectedDataLayersGoOnTopInParameterNameOrderAndNoSelectionKeepsTheSameStack() {
        table.bind(binding("f", "z-region", "eu", 20));
        table.bind(binding("f", "dataset", "a", 9, 1)); // layer 1 is already in the function's own stack
        List<LayerId> own = List.of(id(1), id(2));
        assertEquals(List.of(id(1), id(2), id(9), id(20)),
                table.withDataLayers("f", own, Map.of("z-region", "eu", "dataset", "a", "other", "x")));
        assertSame(own, table.withDataLayers("f", own, Map.of("dataset", "unbound")));
        assertSame(own, table.withDataLayers("f", own, Map.of()));
        assertSame(own, table.withDataLayers("g", own, Map.of("dataset", "a")), "g binds nothing");
    }
}
