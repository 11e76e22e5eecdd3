package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class BoundedHistoryTest {

    private final AtomicInteger capacity = new AtomicInteger(3);
    private final List<String> told = new CopyOnWriteArrayList<>();
    private final BoundedHistory<String> history = new BoundedHistory<>(capacity::get, told::add);

    @Test
    void keepsTheNewestRecordsNewestFirstUpToTheCapacity() {
        for (String r : List.of("a", "b", "c", "d")) {
            history.add(r);
        }
        assertEquals(List.of("d", "c", "b"), history.newest(10));
        assertEquals(List.of("d", "c"), history.newest(2));
        assertEquals(List.of(), history.newest(-1), "a negative limit asks for nothing");
    }

    @Test
    void everyAddedRecordReachesTheSinkEvenOnesDroppedLater() {
        String r = "x";
        assertSame(r, history.add(r), "add returns the record it added");
        for (String s : List.of("a", "b", "c")) {
            history.add(s);
        }
        assertEquals(List.of("x", "a", "b", "c"), told);
    }

    @Test
    void aCapacityChangeAppliesAtTheNextAdd() {
        for (String r : List.of("a", "b", "c")) {
            history.add(r);
        }
        capacity.set(1);
        assertEquals(3, history.newest(10).size(), "nothing dropped before the next record");
        history.add("d");
        assertEquals(List.of("d"), history.newest(10));
    }
}
