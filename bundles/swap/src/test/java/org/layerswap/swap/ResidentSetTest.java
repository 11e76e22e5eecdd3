package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ResidentSetTest {

    @Test
    void itHoldsExactlyTheLayersAddedAndNotRemovedUnderRandomOperations() {
        ResidentSet s = new ResidentSet();
        s.resize(50);
        Set<Integer> expected = new HashSet<>();
        Random r = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            int l = r.nextInt(50);
            if (r.nextBoolean()) {
                s.add(l);
                expected.add(l);
            } else {
                s.remove(l);
                expected.remove(l);
            }
            assertEquals(expected.size(), s.size());
            assertEquals(expected.contains(l), s.contains(l));
        }
        Set<Integer> listed = new HashSet<>();
        for (int i = 0; i < s.size(); i++) {
            listed.add(s.get(i));
        }
        assertEquals(expected, listed);
    }

    @Test
    void growingKeepsMembersAndNewLayersStartOutside() {
        ResidentSet s = new ResidentSet();
        s.resize(2);
        s.add(1);
        s.resize(10);
        assertTrue(s.contains(1));
        assertFalse(s.contains(9));
        s.add(9);
        s.add(9);
        assertEquals(2, s.size());
    }
}
