package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class VictimShortlistTest {

    private static Set<Integer> listed(VictimShortlist s) {
        Set<Integer> out = new HashSet<>();
        for (int i = 0; i < s.size(); i++) {
            assertEquals(true, out.add(s.get(i)), "listed once: " + s.get(i));
        }
        return out;
    }

    @Test
    void aPassListsItsHighestRanksAndThePinnedOnesAndOutsideIsTheHighestRankLeftOff() {
        Random rnd = new Random(3);
        for (int round = 0; round < 500; round++) {
            int top = 1 + rnd.nextInt(5);
            int n = rnd.nextInt(20);
            VictimShortlist s = new VictimShortlist(top);
            s.resize(n + 1);
            s.start();
            double[] rank = new double[n];
            boolean[] pinned = new boolean[n];
            for (int l = 0; l < n; l++) {
                pinned[l] = rnd.nextInt(5) == 0;
                rank[l] = rnd.nextInt(50); // ties included
                if (pinned[l]) {
                    s.pinned(l);
                } else {
                    s.offer(l, rank[l]);
                }
            }
            s.end();
            Set<Integer> on = listed(s);
            double lowestOn = Double.POSITIVE_INFINITY;
            double highestOff = -1;
            int unpinnedOn = 0;
            for (int l = 0; l < n; l++) {
                if (pinned[l]) {
                    assertEquals(true, on.contains(l), "round " + round + ": pinned " + l + " is listed");
                } else if (on.contains(l)) {
                    lowestOn = Math.min(lowestOn, rank[l]);
                    unpinnedOn++;
                } else {
                    highestOff = Math.max(highestOff, rank[l]);
                }
            }
            assertEquals(Math.min(top, n - countTrue(pinned)), unpinnedOn, "round " + round + ": the top ranks are listed");
            assertEquals(highestOff, s.outside(), 0, "round " + round + ": outside is the highest rank left off");
            assertEquals(true, highestOff <= lowestOn, "round " + round + ": no rank left off exceeds a listed one");
        }
    }

    @Test
    void aLayerAddedAgainIsListedOnceAndADroppedOneLeavesTheList() {
        VictimShortlist s = new VictimShortlist(2);
        s.resize(10);
        s.start();
        s.offer(1, 5);
        s.offer(2, 9);
        s.offer(3, 7);
        s.end();
        assertEquals(Set.of(2, 3), listed(s));
        assertEquals(5, s.outside(), 0);
        s.add(3);
        s.add(1);
        assertEquals(Set.of(1, 2, 3), listed(s));
        for (int i = 0; i < s.size(); i++) {
            if (s.get(i) == 2) {
                s.drop(i);
            }
        }
        assertEquals(Set.of(1, 3), listed(s));
        s.add(2);
        assertEquals(Set.of(1, 2, 3), listed(s), "a dropped layer can be listed again");
        s.start();
        s.end();
        assertEquals(Set.of(), listed(s), "a new pass starts an empty list");
        assertEquals(-1, s.outside(), 0);
        assertThrows(IllegalArgumentException.class, () -> new VictimShortlist(0));
    }

    private static int countTrue(boolean[] b) {
        int c = 0;
        for (boolean x : b) {
            c += x ? 1 : 0;
        }
        return c;
    }
}
