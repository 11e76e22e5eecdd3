package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;

class EventValidatorTest {

    private static final long NOW = 1_700_000_000_000L;
    private final EventValidator v = new EventValidator(EdgeSettings.defaults("0123456789abcdef-token"),
            Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

    private static InvocationEvent ev(String id, long ts) {
        return new InvocationEvent(id, ts, Map.of(), null);
    }

    @Test
    void aPlainEventAtOrBeforeTheClockPasses() {
        assertNull(v.refusal(ev("resize-image", NOW)));
        assertNull(v.refusal(ev("x".repeat(256), 0)));
        assertNull(v.refusal(ev("größe-ändern/λ", NOW + 300_000)), "unicode letters and the skew limit itself pass");
        assertNull(v.refusal(new InvocationEvent("f", NOW, Map.of("dataset", "d1"), "tenant-1")));
    }

    @Test
    void aFunctionIdOver256CharactersIsRefusedWithItsLength() {
        String r = v.refusal(ev("x".repeat(257), NOW));
        assertEquals("function id of 257 characters exceeds 256", r);
    }

    @Test
    void controlSeparatorAndLoneSurrogateCharactersAreRefusedWithTheirIndex() {
        assertEquals("function id has a control or unprintable character at index 2", v.refusal(ev("ab\u0000c", NOW)));
        assertTrue(v.refusal(ev("a\nb", NOW)).contains("index 1"));
        assertTrue(v.refusal(ev("a\u2028b", NOW)).contains("index 1"), "line separator");
        assertTrue(v.refusal(ev("a\u202Eb", NOW)).contains("index 1"), "bidi override (format)");
        assertTrue(v.refusal(ev("a\uD800", NOW)).contains("index 1"), "lone surrogate");
        assertNull(v.refusal(ev("a\uD83D\uDE00", NOW)), "a paired surrogate (emoji) is printable");
        assertEquals("function id is blank", v.refusal(ev("\u00A0", NOW)));
    }

    @Test
    void tenantAndParametersAreBounded() {
        assertTrue(v.refusal(new InvocationEvent("f", NOW, Map.of(), "t".repeat(257))).startsWith("tenant of 257"));
        assertTrue(v.refusal(new InvocationEvent("f", NOW, Map.of(), "t\u0007")).startsWith("tenant has a control"));
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 33; i++) {
            many.put("k" + i, "v");
        }
        assertEquals("33 parameters exceed 32", v.refusal(new InvocationEvent("f", NOW, many, null)));
        assertTrue(v.refusal(new InvocationEvent("f", NOW, Map.of("k", "v".repeat(1025)), null)).contains("exceeds 1024"));
        assertTrue(v.refusal(new InvocationEvent("f", NOW, Map.of("k\r", "v"), null)).contains("control"));
    }

    @Test
    void aTimestampBeyondTheSkewAheadOfTheInjectedClockIsRefused() {
        String r = v.refusal(ev("f", NOW + 300_001));
        assertTrue(r.startsWith("timestamp " + (NOW + 300_001) + " is 300 s ahead of the clock"), r);
        assertTrue(v.refusal(ev("f", Long.MAX_VALUE)).contains("at most 300 s allowed"));
    }
}
