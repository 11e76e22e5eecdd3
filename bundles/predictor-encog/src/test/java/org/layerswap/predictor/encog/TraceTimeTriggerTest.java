package org.layerswap.predictor.encog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TraceTimeTriggerTest {

    static final long H = 3_600_000L;

    @Test
    void theFirstEventAnchorsTheScheduleAndEachIntervalOfEventTimeFiresOnce() {
        TraceTimeTrigger t = new TraceTimeTrigger(H);
        assertFalse(t.due(10_000));
        assertFalse(t.due(10_000 + H - 1));
        assertTrue(t.due(10_000 + H));
        assertFalse(t.due(10_000 + H), "a boundary fires once");
        assertFalse(t.due(10_000 + 2 * H - 1));
        assertTrue(t.due(10_000 + 2 * H + 5));
        assertEquals(10_000 + 3 * H, t.nextMillis());
    }

    @Test
    void aGapInTheTraceCollapsesTheSkippedBoundariesIntoOneRound() {
        TraceTimeTrigger t = new TraceTimeTrigger(H);
        t.due(0);
        assertTrue(t.due(5 * H + 30));
        assertEquals(6 * H, t.nextMillis());
        assertFalse(t.due(5 * H + 60));
    }

    @Test
    void anEventOlderThanTheScheduleNeverFires() {
        TraceTimeTrigger t = new TraceTimeTrigger(H);
        t.due(2 * H);
        assertFalse(t.due(0));
        assertFalse(t.due(2 * H + H / 2));
    }

    @Test
    void aNonPositiveIntervalIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TraceTimeTrigger(0));
        assertTrue(e.getMessage().contains("training interval"), e.getMessage());
    }
}
