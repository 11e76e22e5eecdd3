package org.layerswap.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FunctionLayerMapTest {

    static LayerId layer(int n) {
        return LayerId.of("sha256:" + String.format("%064x", n));
    }

    @Test
    void keepsOrderAndBuildsReverseIndex() {
        Map<String, List<LayerId>> m = new LinkedHashMap<>();
        m.put("resize", List.of(layer(1), layer(2), layer(3)));
        m.put("thumbnail", List.of(layer(1), layer(2), layer(4)));
        FunctionLayerMap map = FunctionLayerMap.of(m);
        assertEquals(List.of(layer(1), layer(2), layer(3)), map.layersOf("resize"));
        assertEquals(Set.of("resize", "thumbnail"), map.functionsUsing(layer(1)));
        assertEquals(Set.of("thumbnail"), map.functionsUsing(layer(4)));
        assertEquals(Set.of(), map.functionsUsing(layer(9)));
        assertEquals(List.of(), map.layersOf("unknown"));
        assertEquals(4, map.layers().size());
    }

    @Test
    void updatesAreCopiesAndLeaveTheOriginalAlone() {
        FunctionLayerMap a = FunctionLayerMap.empty().with("f", List.of(layer(1)));
        FunctionLayerMap b = a.with("f", List.of(layer(1), layer(2))).with("g", List.of(layer(2)));
        assertEquals(List.of(layer(1)), a.layersOf("f"));
        assertEquals(Set.of("f", "g"), b.functionsUsing(layer(2)));
        FunctionLayerMap c = b.without("g");
        assertEquals(Set.of("f"), c.functionsUsing(layer(2)));
        assertTrue(b.contains("g"));
    }

    @Test
    void rejectsBadStacksWithTheFunctionNamed() {
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> FunctionLayerMap.empty().with("f", List.of(layer(1), layer(1))));
        assertTrue(dup.getMessage().contains("function f lists layer"), dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FunctionLayerMap.empty().with("f", List.of()));
        assertThrows(IllegalArgumentException.class, () -> FunctionLayerMap.empty().with(" ", List.of(layer(1))));
    }

    @Test
    void valueTypesValidate() {
        assertThrows(IllegalArgumentException.class, () -> new PredictionScore(layer(1), 1.01, 0));
        assertThrows(IllegalArgumentException.class, () -> new PredictionScore(layer(1), Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new InvocationEvent("", 0, null, null));
        assertThrows(IllegalArgumentException.class, () -> new InvocationEvent("f", -1, null, null));
        InvocationEvent e = new InvocationEvent("f", 5, null, null);
        assertEquals(Map.of(), e.params());
        assertEquals("", e.tenant());
        assertThrows(IllegalArgumentException.class, () -> new LayerDescriptor(layer(1), -1, null));
    }
}
