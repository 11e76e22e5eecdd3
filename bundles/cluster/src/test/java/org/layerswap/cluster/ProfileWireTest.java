package org.layerswap.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
    void severalEventsOfAFunctionTravelAsOneValueInTheirOrderAndASingleOneKeepsItsOwnForm() {
        List<InvocationEvent> batch = List.of(new InvocationEvent("thumb", 30, Map.of("size", "big"), "acme"),
                new InvocationEvent("thumb", 10, Map.of(), "other"), new InvocationEvent("thumb", 20, Map.of("a", "1", "b", "2"), "acme"));
        String key = ProfileWire.eventKey("u-2", "thumb");
        String[] value = ProfileWire.encodeEvents(batch);
        assertEquals(batch, ProfileWire.decodeEvents(key, value));
        assertEquals(30, ProfileWire.firstTimestamp(value));
        InvocationEvent one = batch.get(2);
        assertEquals(List.of(one), ProfileWire.decodeEvents(key, ProfileWire.encodeEvent(one)));
        assertEquals(20, ProfileWire.firstTimestamp(ProfileWire.encodeEvent(one)));
        assertEquals(Long.MAX_VALUE, ProfileWire.firstTimestamp(new String[] {"x", ""}));
    }

    @Test
    void aMalformedValueOfSeveralEventsIsRefusedNamingItsKey() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProfileWire.decodeEvents("k@f", new String[] {"events"}))
                .getMessage().contains("k@f holds no event"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ProfileWire.decodeEvents("k@f", new String[] {"events", "1", "t", "2", "a", "b"})).getMessage()
                .contains("k@f is malformed at element 1"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ProfileWire.decodeEvents("k@f", new String[] {"events", "x", "t", "0"})).getMessage()
                .contains("k@f has a bad number"));
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
