package org.layerswap.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.InvocationEvent;

class InvocationLogTest {

    @TempDir
    Path dir;

    private final List<InvocationEvent> events = List.of(
            new InvocationEvent("thumbnail", 1_700_000_000_000L, Map.of("dataset", "eu,west", "size=", "a;b%c"), "t1"),
            new InvocationEvent("resize", 1_700_000_000_500L, Map.of(), ""),
            new InvocationEvent("ml/infer", 1_700_000_001_000L, Map.of("model", "bert"), "tenant 2"));

    @Test
    void jsonLinesRoundTrip() throws Exception {
        Path f = dir.resolve("log.jsonl");
        try (InvocationLog.LogWriter w = InvocationLog.writer(f)) {
            events.forEach(w::write);
        }
        try (InvocationStream s = InvocationLog.read(f)) {
            assertEquals(events, TestFiles.drain(s));
            assertEquals(0, s.report().badRowCount());
        }
    }

    @Test
    void csvRoundTripEscapesSeparators() throws Exception {
        Path f = dir.resolve("log.csv");
        try (InvocationLog.LogWriter w = InvocationLog.writer(f)) {
            events.forEach(w::write);
        }
        try (InvocationStream s = InvocationLog.read(f)) {
            assertEquals(events, TestFiles.drain(s));
        }
    }

    @Test
    void malformedJsonLinesAreReportedWithLineNumbersAndValidOnesKept() throws Exception {
        Path f = TestFiles.write(dir, "bad.jsonl", String.join("\n",
                "{\"function\":\"a\",\"timestamp\":1000}",
                "{\"function\":\"b\",\"timestamp\":\"1970-01-01T00:00:02Z\",\"params\":{\"k\":1},\"user\":\"u\"}",
                "{\"function\":\"c\"",                              // 3: truncated
                "{\"timestamp\":5}",                                  // 4: no function
                "{\"function\":\"d\",\"timestamp\":\"yesterday\"}", // 5: bad timestamp
                "not json",                                           // 6
                "{\"function\":\"e\",\"timestamp\":-5}",             // 7: negative
                "",
                "{\"function\":\"f\",\"timestamp\":1500}") + "\n");
        try (InvocationStream s = InvocationLog.read(f)) {
            List<InvocationEvent> ev = TestFiles.drain(s);
            assertEquals(List.of(InvocationEvent.of("a", 1000), InvocationEvent.of("f", 1500),
                    new InvocationEvent("b", 2000, Map.of("k", "1"), "u")), ev);
            assertEquals(List.of(3L, 4L, 5L, 6L, 7L), s.report().badRows().stream()
                    .map(ReadReport.BadRow::lineNumber).toList());
            assertTrue(s.report().badRows().get(3).reason().contains("JSON"), s.report().summary());
        }
    }

    @Test
    void malformedCsvLinesAreReported() throws Exception {
        Path f = TestFiles.write(dir, "bad.csv", String.join("\n",
                "function,timestamp,tenant,params",
                "a,1000,t,k=v",
                "b",                 // 3
                "c,notatime,t,",     // 4
                "d,2000,t,novalue",  // 5
                "e,2024-01-01T00:00:00Z,,") + "\n");
        try (InvocationStream s = InvocationLog.read(f)) {
            List<InvocationEvent> ev = TestFiles.drain(s);
            assertEquals(List.of("a", "e"), ev.stream().map(InvocationEvent::functionId).toList());
            assertEquals(List.of(3L, 4L, 5L), s.report().badRows().stream().map(ReadReport.BadRow::lineNumber).toList());
        }
    }

    @Test
    void slightlyOutOfOrderLinesAreSorted() throws Exception {
        Path f = TestFiles.write(dir, "o.csv", "a,3000\nb,1000\nc,2000\n");
        List<InvocationEvent> ev = TestFiles.drain(InvocationLog.read(f));
        assertEquals(List.of("b", "c", "a"), ev.stream().map(InvocationEvent::functionId).toList());
    }
}
