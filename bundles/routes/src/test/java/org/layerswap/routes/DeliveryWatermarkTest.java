package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeliveryWatermarkTest {

    private final AtomicLong consumed = new AtomicLong();
    private final DeliveryWatermark w = new DeliveryWatermark(consumed);

    @Test
    void thePrefixCountsOnlyEventsWithNoUnsettledOneBeforeThem() {
        long a = w.begin(3);
        long b = w.begin(2);
        long c = w.begin(4);
        assertEquals(0, a);
        assertEquals(3, b);
        assertEquals(5, c);
        w.settled(c, 4);
        w.settled(b, 2);
        assertEquals(0, w.prefix(), "the first batch is still in flight: nothing after it counts");
        w.settled(a, 3);
        assertEquals(9, w.prefix(), "settling the first batch joins the ones settled ahead of it");
        assertEquals(9, consumed.get(), "published into the counters");
    }

    @Test
    void inOrderSettlementAdvancesBatchByBatch() {
        for (int i = 1; i <= 5; i++) {
            w.settled(w.begin(i), i);
        }
        assertEquals(15, w.prefix());
    }

    @Test
    void settlingTwiceOrWhatWasNotTakenIsRefusedNamingTheRange() {
        long a = w.begin(2);
        w.begin(1);
        w.settled(a + 2, 1);
        assertTrue(assertThrows(IllegalStateException.class, () -> w.settled(a + 2, 1)).getMessage().contains("2..3"));
        assertThrows(IllegalStateException.class, () -> w.settled(3, 1), "never taken");
        w.settled(a, 2);
        assertThrows(IllegalStateException.class, () -> w.settled(a, 2), "already in the prefix");
        assertThrows(IllegalArgumentException.class, () -> w.begin(0));
    }
}
