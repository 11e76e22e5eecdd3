package org.layerswap.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.workload.InvocationLog.Format;

class InvocationLogParseLineTest {

    @Test
    void parsesValidJsonAndCsvLines() {
        assertEquals(new InvocationEvent("f", 1_700_000_000_000L, Map.of("k", "v"), "t"),
                InvocationLog.parseLine("{\"function\":\"f\",\"timestamp\":1700000000000,\"params\":{\"k\":\"v\"},\"tenant\":\"t\"}",
                        Format.JSONL));
        assertEquals(new InvocationEvent("f", 1_714_557_600_000L, Map.of(), ""),
                InvocationLog.parseLine("{\"functionId\":\"f\",\"timestamp\":\"2024-05-01T10:00:00Z\"}\r", Format.JSONL));
        assertEquals(new InvocationEvent("a,b", 5L, Map.of("x", "1;2"), "t1"),
                InvocationLog.parseLine("a%2Cb,5,t1,x=1%3B2", Format.CSV));
    }

    @Test
    void rejectsBadLinesWithTheReason() {
        assertReason("malformed JSON", "{\"function\":\"f\",", Format.JSONL);
        assertReason("missing \"function\"", "{\"timestamp\":5}", Format.JSONL);
        assertReason("missing \"timestamp\"", "{\"function\":\"f\"}", Format.JSONL);
        assertReason("negative timestamp", "{\"function\":\"f\",\"timestamp\":-5}", Format.JSONL);
        assertReason("neither epoch milliseconds nor ISO-8601", "{\"function\":\"f\",\"timestamp\":\"yesterday\"}", Format.JSONL);
        assertReason("not a JSON object", "[1,2]", Format.JSONL);
        assertReason("blank line", "   ", Format.JSONL);
        assertReason("got 1 fields", "justafunction", Format.CSV);
        assertReason("neither epoch milliseconds nor ISO-8601", "f,-5", Format.CSV);
        assertReason("not key=value", "f,5,t,novalue", Format.CSV);
    }

    @Test
    void recognisesTheCsvHeader() {
        assertTrue(InvocationLog.isCsvHeader("function,timestamp,tenant,params"));
        assertFalse(InvocationLog.isCsvHeader("f,5"));
    }

    private static void assertReason(String expected, String line, Format format) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InvocationLog.parseLine(line, format));
        assertTrue(e.getMessage().contains(expected), () -> "reason '" + e.getMessage() + "' should contain '" + expected + "'");
    }
}
