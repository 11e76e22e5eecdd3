package org.layerswap.profiler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class FutureEventGuardTest {

    final AtomicLong nanos = new AtomicLong();
    final FutureEventGuard guard = new FutureEventGuard(nanos::get);

    @Test
    void eventsWithinTheSkewOrInThePastAreAdmittedAndOnlyBeyondItAreCounted() {
        assertTrue(guard.admits("f", 5_000, 1_000, 4_000));
        assertTrue(guard.admits("f", Long.MIN_VALUE, 1_000, 4_000), "the past is not this guard's concern");
        assertFalse(guard.admits("f", 5_001, 1_000, 4_000));
        assertFalse(guard.admits("f", Long.MAX_VALUE, 1_000, 4_000));
        assertEquals(2, guard.ignored());
    }

    @Test
    void beforeAnyReferenceEverythingIsAdmitted() {
        assertTrue(guard.admits("f", Long.MAX_VALUE, -1, 1));
        assertEquals(0, guard.ignored());
    }

    @Test
    void theReferenceIsTheClockWhenThereIsOneElseTheLatestEvent() {
        assertEquals(77, FutureEventGuard.reference(ProfilerSettings.defaults(), 77));
        assertEquals(5, FutureEventGuard.reference(ProfilerSettings.defaults().withClock(() -> 5), 77));
    }

    @Test
    void countingGoesOnWhileTheLogIsRateLimited() {
        for (int i = 0; i < 1000; i++) {
            nanos.addAndGet(FutureEventGuard.LOG_EVERY_NANOS / 100);
            assertFalse(guard.admits("x".repeat(500), 10_000_000, 0, 1));
        }
        assertEquals(1000, guard.ignored());
    }
}
