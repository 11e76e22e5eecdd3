package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CoverSnapshotTest {

    @Test
    void theBytesAboveAKeyAreThoseOfStrictlyLargerKeysInWhateverOrderTheyCame() {
        CoverSnapshot c = new CoverSnapshot();
        c.add(5.0, 50);
        c.add(1.0, 10);
        c.add(9.0, 90);
        c.add(5.0, 7);
        c.seal();
        assertEquals(4, c.size());
        assertEquals(157, c.bytesAbove(0.5));
        assertEquals(147, c.bytesAbove(1.0), "an equal key is not above");
        assertEquals(90, c.bytesAbove(5.0));
        assertEquals(90, c.bytesAbove(8.999));
        assertEquals(0, c.bytesAbove(9.0));
        assertEquals(0, c.bytesAbove(Double.MAX_VALUE));
    }

    @Test
    void aClearedSnapshotHoldsNothingAndItGrowsPastItsFirstArrays() {
        CoverSnapshot c = new CoverSnapshot();
        c.add(3.0, 1);
        c.seal();
        c.clear();
        c.seal();
        assertEquals(0, c.bytesAbove(-1));
        for (int i = 0; i < 1000; i++) {
            c.add(i, 2);
        }
        c.seal();
        assertEquals(1000, c.size());
        assertEquals(2 * 500, c.bytesAbove(499), "keys 500..999");
    }
}
