package org.layerswap.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.NextUse;
import org.layerswap.api.ProfilePartitioning.FunctionEstimate;

class ProfileWireTest {

    @Test
    void anEventTravelsAsStringsAndComesBackEqual() {
        InvocationEvent e = new InvocationEvent("thumb@eu", 1234, Map.of("size", "big", "fmt", "png"), "acme");
        String key = ProfileWire.eventKey("u-1", e.functionId());
        assertEquals("thumb@eu", ProfileWire.functionOf(key));
        assertEquals(e, ProfileWire.decodeEvent(key, ProfileWire.encodeEvent(e)));
    }

    @Test
    void anEstimateTravelsAsOneLineWithOrWithoutANextUse() {
        FunctionEstimate with = new FunctionEstimate("f", "", 7, 0.25, new NextUse(10, 20, true), 99);
        FunctionEstimate back = ProfileWire.decodeEstimate("f", ProfileWire.encodeEstimate(with, "owner-1"));
        assertEquals(new FunctionEstimate("f", "owner-1", 7, 0.25, new NextUse(10, 20, true), 99), back);
        FunctionEstimate without = ProfileWire.decodeEstimate("g", ProfileWire.encodeEstimate(
                new FunctionEstimate("g", "", 1, 0.0, null, 5), "o"));
        assertNull(without.nextUse());
        assertEquals(1, without.invocations());
    }

    @Test
    void malformedValuesAreRefusedNamingWhereTheyCameFrom() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProfileWire.functionOf("no-at-sign")).getMessage()
                .contains("no-at-sign"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProfileWire.decodeEvent("k@f", new String[] {"x", ""}))
                .getMessage().contains("k@f has a bad timestamp"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProfileWire.decodeEvent("k@f", new String[] {"1"}))
                .getMessage().contains("k@f is malformed"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProfileWire.decodeEstimate("f", "a b c"))
                .getMessage().contains("estimate of f is malformed"));
        assertThrows(IllegalArgumentException.class, () -> ProfileWire.eventKey("a@b", "f"));
    }
}
