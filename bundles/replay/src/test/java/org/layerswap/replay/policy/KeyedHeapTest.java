package org.layerswap.replay.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyedHeapTest {

    /** Polls the heap empty: "id:key" in order. */
    private static List<String> drain(KeyedHeap heap) {
        List<String> out = new ArrayList<>();
        while (!heap.isEmpty()) {
            double k = heap.peekKey();
            out.add(heap.poll() + ":" + (long) k);
        }
        return out;
    }

    @Test
    void settingAnIdAgainReplacesItsOlderKey() {
        KeyedHeap heap = new KeyedHeap(4);
        heap.set(0, 5);
        heap.set(1, 3);
        heap.set(0, 1);
        heap.set(2, 4);
        heap.invalidate(2);
        assertEquals(List.of("0:1", "1:3"), drain(heap));
    }

    @Test
    void findMinSkipsIneligibleIdsAndLeavesEverythingLiveInTheHeapWithItsKey() {
        KeyedHeap heap = new KeyedHeap(4);
        heap.set(0, 1);
        heap.set(1, 2);
        heap.set(2, 3);
        heap.set(3, 4);
        Set<Integer> pinned = Set.of(0, 1);

        int found = heap.findMin(id -> true, id -> !pinned.contains(id));

        assertEquals(2, found);
        assertEquals(3.0, heap.foundKey());
        assertEquals(List.of("0:1", "1:2", "2:3", "3:4"), drain(heap));
    }

    @Test
    void findMinDropsTheEntriesOfIdsThatAreNoLongerLive() {
        KeyedHeap heap = new KeyedHeap(3);
        heap.set(0, 1);
        heap.set(1, 2);
        heap.set(2, 3);

        int found = heap.findMin(id -> id != 0, id -> id != 1);

        assertEquals(2, found);
        assertEquals(List.of("1:2", "2:3"), drain(heap));
    }

    @Test
    void findMinWithNoEligibleIdReturnsMinusOneAndKeepsTheLiveOnes() {
        KeyedHeap heap = new KeyedHeap(2);
        heap.set(0, 7);
        heap.set(1, 8);

        assertEquals(-1, heap.findMin(id -> true, id -> false));
        assertTrue(Double.isNaN(heap.foundKey()));
        assertEquals(List.of("0:7", "1:8"), drain(heap));
        assertEquals(-1, heap.findMin(id -> true, id -> true));
    }

    @Test
    void findMinPutsManyIneligibleIdsBack() {
        int n = 100;
        KeyedHeap heap = new KeyedHeap(n);
        for (int i = 0; i < n; i++) {
            heap.set(i, i);
        }
        assertEquals(n - 1, heap.findMin(id -> true, id -> id == n - 1));
        assertEquals(n, drain(heap).size());
    }
}
