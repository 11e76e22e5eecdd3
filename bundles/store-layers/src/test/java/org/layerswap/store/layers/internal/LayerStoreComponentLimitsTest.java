package org.layerswap.store.layers.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerswap.store.layers.UnpackLimits;
import org.layerswap.testkit.ConfigFileCheck;

class LayerStoreComponentLimitsTest {

    private static UnpackLimits limits(Map<String, String> values) {
        return LayerStoreComponent.limits(ConfigFileCheck.instance(LayerStoreComponent.Config.class, values));
    }

    @Test
    void aLayerNeverUnpacksToMoreThanTheStoreBudget() {
        UnpackLimits l = limits(Map.of("budgetBytes", "1000000", "maxLayerBytes", "5000000", "maxEntryBytes", "4000000"));
        assertEquals(1_000_000, l.maxLayerBytes());
        assertEquals(1_000_000, l.maxEntryBytes());
    }

    @Test
    void limitsBelowTheBudgetAreKeptAsConfigured() {
        UnpackLimits l = limits(Map.of("budgetBytes", "1000000", "maxLayerBytes", "600000", "maxEntryBytes", "100000"));
        assertEquals(600_000, l.maxLayerBytes());
        assertEquals(100_000, l.maxEntryBytes());
    }

    @Test
    void setuidBitsAreStrippedAndFreeSpaceKeptByDefault() {
        UnpackLimits l = limits(Map.of());
        assertFalse(l.keepSetuidBits());
        assertEquals(UnpackLimits.DEFAULT_MIN_FREE_BYTES, l.minFreeBytes());
    }

    @Test
    void theOperatorCanKeepSetuidBitsAndChangeTheFreeSpaceFloor() {
        UnpackLimits l = limits(Map.of("keepSetuidBits", "true", "minFreeBytes", "4096"));
        assertTrue(l.keepSetuidBits());
        assertEquals(4096, l.minFreeBytes());
    }
}
