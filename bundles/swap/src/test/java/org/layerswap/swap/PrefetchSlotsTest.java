package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PrefetchSlotsTest {

    @Test
    void slotsAreFullAtTheLimitAndFreeAgainOnceTheNodeNoLongerReportsALayerQueued() {
        Set<Integer> queued = new HashSet<>();
        PrefetchSlots slots = new PrefetchSlots(queued::contains);
        for (int l = 0; l < 3; l++) {
            assertFalse(slots.full(3), "slot " + l + " is free");
            slots.started(l);
            queued.add(l);
        }
        assertTrue(slots.full(3));
        queued.remove(1);
        assertFalse(slots.full(3), "the finished prefetch frees its slot");
        assertEquals(2, slots.running());
    }

    @Test
    void moreStartsThanTheInitialCapacityAreAllCounted() {
        Set<Integer> queued = new HashSet<>();
        PrefetchSlots slots = new PrefetchSlots(queued::contains);
        for (int l = 0; l < 20; l++) {
            slots.started(l);
            queued.add(l);
        }
        queued.removeIf(l -> l % 2 == 1);
        assertTrue(slots.full(10), "ten even layers still run");
        assertEquals(10, slots.running());
        queued.removeIf(l -> l >= 4);
        assertFalse(slots.full(10));
        assertEquals(2, slots.running(), "only layers 0 and 2 are left");
    }
}
