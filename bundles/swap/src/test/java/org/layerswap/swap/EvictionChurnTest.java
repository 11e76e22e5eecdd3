package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EvictionChurnTest {

    static final long MB = 1 << 20;

    @Test
    void nothingIsExpectedBeforeTwoEvictionsGiveARate() {
        EvictionChurn churn = new EvictionChurn();
        assertEquals(0, churn.expectedBytes(1_000, 60_000));
        churn.evicted(1_000, 10 * MB);
        assertEquals(0, churn.expectedBytes(1_000, 60_000), "one instant is no rate");
        assertEquals(0, churn.expectedBytes(61_000, 60_000), "the first eviction only starts the clock");
    }

    @Test
    void theExpectedBytesAreTheRateSinceTheFirstEvictionTimesTheDistance() {
        EvictionChurn churn = new EvictionChurn();
        churn.evicted(0, 10 * MB);
        churn.evicted(50_000, 20 * MB);
        churn.evicted(100_000, 30 * MB);
        assertEquals(50 * MB / 2, churn.expectedBytes(100_000, 50_000), "50 MB in 100 s, over 50 s");
        assertEquals(50 * MB / 4, churn.expectedBytes(200_000, 50_000), "the rate falls while nothing is evicted");
        assertEquals(0, churn.expectedBytes(200_000, 0));
        assertEquals(0, churn.expectedBytes(200_000, -5_000), "a need already passed expects nothing");
    }
}
