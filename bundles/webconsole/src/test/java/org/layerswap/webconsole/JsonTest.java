package org.layerswap.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class JsonTest {

    private enum Mode { FAST }

    private record Point(int x, int y) {
    }

    @Test
    void markupCharactersAndScriptLineTerminatorsAreAlwaysEscaped() {
        assertEquals("\"\\u003C/script\\u003E\\u0026\\u2028\\u2029\"", Json.write("</script>&\u2028\u2029"));
        assertEquals("{\"\\u003Cb\\u003E\":\"\\u003Ci\\u003E\"}", Json.write(Map.of("<b>", "<i>")));
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001\"", Json.write("a\"b\\c\nd\re\tf\u0001"));
    }

    @Test
    void otherNonAsciiTextIsWrittenAsIs() {
        assertEquals("\"größe ✓\"", Json.write("größe ✓"));
    }

    @Test
    void mapsKeepTheirOrderAndNestedValuesAreWrittenAsJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", List.of(1, 2.5, true));
        m.put("a", null);
        m.put("mode", Mode.FAST);
        assertEquals("{\"b\":[1,2.5,true],\"a\":null,\"mode\":\"FAST\"}", Json.write(m));
    }

    @Test
    void nonFiniteNumbersAreWrittenAsNull() {
        assertEquals("[null,null,null,1.5,null,0.25]",
                Json.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1.5d, Float.NaN, 0.25f)));
    }

    @Test
    void valuesWithoutANaturalJsonFormAreWrittenAsTheirToString() {
        assertEquals("[\"Point[x=1, y=2]\",\"Optional[x]\",\"PT1S\"]",
                Json.write(List.of(new Point(1, 2), Optional.of("x"), Duration.ofSeconds(1))));
    }

    @Test
    void aNullMapKeyIsWrittenAsTheStringNull() {
        Map<String, Object> m = new HashMap<>();
        m.put(null, 1);
        assertEquals("{\"null\":1}", Json.write(m));
    }
}
