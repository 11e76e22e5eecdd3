package org.layerswap.api.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class BoundedLoadPlacementTest {

    private static final List<String> FUNCTIONS = IntStream.range(0, 4000).mapToObj(i -> "fn-" + i).toList();

    private static List<String> members(int n) {
        return IntStream.range(0, n).mapToObj(i -> "10.0.0." + (i + 1) + ":5701").toList();
    }

    private static List<String> nodes(int n) {
        return IntStream.range(0, n).mapToObj(i -> "node-" + i).toList();
    }

    private static int moved(Map<String, String> before, Map<String, String> after) {
        int n = 0;
        for (String f : FUNCTIONS) {
            if (!before.get(f).equals(after.get(f))) {
                n++;
            }
        }
        return n;
    }

    /*
     * Fixed arithmetic, no JVM-dependent hashing: these are the nodes the replay's placement gave (before the two rules
     * were one) to the first functions, in any JVM; the replay's N-node figures depend on them.
     */
    @Test
    void theSamePlacementInEveryJvmAsTheReplayHadIt() {
        BoundedLoadPlacement.Sticky eight = new BoundedLoadPlacement(nodes(8), 1.25).sticky();
        BoundedLoadPlacement.Sticky three = new BoundedLoadPlacement(nodes(3), 1.0).sticky();
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            a.append(eight.indexOf("fn-" + i)).append(',');
            b.append(three.indexOf("app/f" + i)).append(',');
        }
        assertEquals("5,4,7,1,2,0,7,4,5,2,0,3,2,0,6,7,5,3,3,5,6,2,7,4,4,6,0,0,7,5,1,1,0,4,2,4,7,1,6,4,", a.toString());
        assertEquals("2,1,0,0,1,2,2,1,0,2,1,0,2,0,1,0,1,2,1,0,2,0,1,2,0,2,1,0,2,1,1,0,2,1,0,2,0,1,2,2,", b.toString());
    }

    @Test
    void theSameMembershipGivesTheSameAssignmentWhateverTheOrderOfTheFunctions() {
        List<String> shuffled = new ArrayList<>(FUNCTIONS);
        Collections.shuffle(shuffled, new Random(8));
        BoundedLoadPlacement rule = new BoundedLoadPlacement(members(5), 1.25);
        Map<String, String> a = rule.assign(FUNCTIONS);
        assertEquals(a, new BoundedLoadPlacement(members(5), 1.25).assign(shuffled));
        assertEquals(a.get("fn-17"), rule.place("fn-17", shuffled));
    }

    @Test
    void noMemberHoldsMoreThanTheLoadFactorTimesTheAverageInEitherMode() {
        for (int n : new int[] {1, 3, 8, 16}) {
            for (double c : new double[] {1.0, 1.1, 1.25, 2.0}) {
                BoundedLoadPlacement rule = new BoundedLoadPlacement(members(n), c);
                Map<String, Integer> loads = BoundedLoadPlacement.loads(rule.assign(FUNCTIONS));
                int max = loads.values().stream().max(Integer::compare).orElseThrow();
                assertTrue(max <= Math.ceil(c * FUNCTIONS.size() / n), n + " members, c=" + c + ": max load " + max);
                assertEquals(FUNCTIONS.size(), loads.values().stream().mapToInt(Integer::intValue).sum());
                assertEquals(n, loads.size(), "every member gets functions");

                BoundedLoadPlacement.Sticky sticky = rule.sticky();
                for (int m = 1; m <= 1500; m++) {
                    sticky.indexOf("fn-" + m);
                    int sum = 0;
                    for (int k = 0; k < n; k++) {
                        assertTrue(sticky.load(k) <= Math.ceil(c * m / n), "member " + k + " over capacity at m=" + m);
                        sum += sticky.load(k);
                    }
                    assertEquals(m, sum);
                }
            }
        }
    }

    @Test
    void aStickyPlacementKeepsAFunctionWhereItWent() {
        BoundedLoadPlacement.Sticky p = new BoundedLoadPlacement(nodes(8), 1.25).sticky();
        int first = p.indexOf("app/f");
        for (int i = 0; i < 500; i++) {
            p.indexOf("other-" + i);
        }
        assertEquals(first, p.indexOf("app/f"));
        assertEquals(501, p.placedFunctions());
    }

    /*
     * Plain consistent hashing moves about 1/(n+1) of the functions when a member joins (those the newcomer takes);
     * the capacity adds a few displaced ones. The bound (twice the ideal share) is what "minimal" means for a
     * bounded-load ring; a rehash-everything placement moves about n/(n+1) and fails it by far.
     */
    @Test
    void aJoiningMemberMovesAboutItsShareOfFunctionsOnly() {
        for (int n : new int[] {3, 8}) {
            Map<String, String> before = new BoundedLoadPlacement(members(n), 1.25).assign(FUNCTIONS);
            Map<String, String> after = new BoundedLoadPlacement(members(n + 1), 1.25).assign(FUNCTIONS);
            int moved = moved(before, after);
            double ideal = FUNCTIONS.size() / (double) (n + 1);
            assertTrue(moved <= 2 * ideal, n + " -> " + (n + 1) + " members moved " + moved + ", ideal share " + ideal);
            long toNewcomer = after.values().stream().filter(members(n + 1).get(n)::equals).count();
            assertTrue(toNewcomer >= 0.5 * ideal, "the newcomer took only " + toNewcomer);
        }
    }

    @Test
    void aLeavingMemberMovesAboutItsOwnFunctionsOnly() {
        Map<String, String> before = new BoundedLoadPlacement(members(8), 1.25).assign(FUNCTIONS);
        List<String> seven = new ArrayList<>(members(8));
        String gone = seven.remove(3);
        Map<String, String> after = new BoundedLoadPlacement(seven, 1.25).assign(FUNCTIONS);
        long itsOwn = before.values().stream().filter(gone::equals).count();
        int moved = moved(before, after);
        assertTrue(moved >= itsOwn);
        assertTrue(moved <= 2 * itsOwn, "moved " + moved + ", the departed member held " + itsOwn);
    }

    /** Consistency itself: without a binding capacity a new member only takes functions, it never shuffles the others. */
    @Test
    void withoutABindingCapacityAJoiningMemberOnlyTakesFunctions() {
        BoundedLoadPlacement.Sticky eight = new BoundedLoadPlacement(nodes(8), 1001).sticky();
        BoundedLoadPlacement.Sticky nine = new BoundedLoadPlacement(nodes(9), 1001).sticky();
        int moved = 0;
        for (int i = 0; i < 3000; i++) {
            int before = eight.indexOf("f" + i);
            int after = nine.indexOf("f" + i);
            if (before != after) {
                assertEquals(8, after, "f" + i + " moved from " + before + " to an old member");
                moved++;
            }
        }
        assertTrue(moved > 3000 / 20 && moved < 3000 / 4, "about 1/9 should move; moved " + moved);
    }

    @Test
    void theHashSpreadsFunctionsOverAllMembers() {
        BoundedLoadPlacement.Sticky p = new BoundedLoadPlacement(nodes(16), 1001).sticky();
        for (int i = 0; i < 4000; i++) {
            p.indexOf("func-" + i);
        }
        for (int k = 0; k < 16; k++) {
            assertTrue(p.load(k) > 4000 / 16 / 2 && p.load(k) < 4000 / 16 * 2, "member " + k + ": " + p.load(k));
        }
    }

    @Test
    void badInputIsRefusedNamingWhatWasWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BoundedLoadPlacement(List.of(), 1.25))
                .getMessage().contains("members=0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BoundedLoadPlacement(members(2), 0.99))
                .getMessage().contains("loadFactor=0.99"));
        assertThrows(IllegalArgumentException.class, () -> new BoundedLoadPlacement(members(2), Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new BoundedLoadPlacement(members(2), Double.POSITIVE_INFINITY));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BoundedLoadPlacement(members(2), 0, 1.25))
                .getMessage().contains("pointsPerMember=0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BoundedLoadPlacement(List.of("a", "a"), 1.25))
                .getMessage().contains("distinct"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BoundedLoadPlacement(members(2), 1.25).place(" ", FUNCTIONS))
                .getMessage().contains("function id"));
    }
}
