package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class CheckWindowTest {

    final AtomicLong now = new AtomicLong(-5_000); // monotonic clocks may be negative
    final CheckWindow window = new CheckWindow(Duration.ofNanos(100), now::get);

    @Test
    void aLayerNeverFoundIntactIsNotVouchedFor() {
        assertFalse(window.vouches());
    }

    @Test
    void anIntactCheckVouchesUntilTheIntervalHasPassedSinceItStarted() {
        long started = window.start();
        now.addAndGet(30); // the check took 30 ns
        window.intact(started);
        now.addAndGet(69);
        assertTrue(window.vouches(), "99 ns after the start");
        now.incrementAndGet();
        assertFalse(window.vouches(), "100 ns after the start");
    }

    @Test
    void aLateFinishingOlderCheckDoesNotMoveTheWindowBack() {
        window.intact(now.get() + 50);
        window.intact(now.get()); // an older check that finished later
        now.addAndGet(120);
        assertTrue(window.vouches(), "70 ns after the newer start");
    }

    @Test
    void aZeroIntervalNeverVouches() {
        CheckWindow every = new CheckWindow(Duration.ZERO, now::get);
        every.intact(every.start());
        assertFalse(every.vouches());
    }
}
