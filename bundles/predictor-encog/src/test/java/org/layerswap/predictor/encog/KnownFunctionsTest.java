package org.layerswap.predictor.encog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class KnownFunctionsTest {

    private static Set<String> drawMany(KnownFunctions k) {
        Random r = new Random(7);
        Set<String> drawn = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            drawn.add(k.random(r));
        }
        return drawn;
    }

    @Test
    void beyondTheCapTheLeastRecentlySeenIdIsForgotten() {
        KnownFunctions k = new KnownFunctions(3);
        k.seen("a");
        k.seen("b");
        k.seen("c");
        k.seen("a"); // a is now the most recent: b is the least
        k.seen("d");
        assertEquals(3, k.size());
        assertEquals(1, k.evicted());
        assertEquals(Set.of("a", "c", "d"), drawMany(k));
    }

    @Test
    void underTheCapItKeepsEveryIdInFirstSeenOrderSoSamplingIsUnchanged() {
        KnownFunctions k = new KnownFunctions(100);
        for (String id : new String[] {"x", "y", "x", "z"}) {
            k.seen(id);
        }
        Random a = new Random(1);
        Random b = new Random(1);
        String[] firstSeen = {"x", "y", "z"};
        for (int i = 0; i < 50; i++) {
            assertEquals(firstSeen[b.nextInt(3)], k.random(a));
        }
    }

    @Test
    void aSmallerCapForgetsTheOldestAtOnceAndSamplesOnlySurvivors() {
        KnownFunctions k = new KnownFunctions(10);
        for (int i = 0; i < 10; i++) {
            k.seen("f" + i);
        }
        k.resize(4);
        assertEquals(4, k.size());
        assertEquals(Set.of("f6", "f7", "f8", "f9"), drawMany(k));
        k.seen("new");
        assertEquals(4, k.size());
        assertTrue(drawMany(k).contains("new"));
    }

    @Test
    void aCapBelowOneIsRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KnownFunctions(0));
        assertTrue(e.getMessage().contains("maxTrackedFunctions"), e.getMessage());
    }
}
