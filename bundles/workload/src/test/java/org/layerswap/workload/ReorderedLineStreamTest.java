package org.layerswap.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.InvocationEvent;

class ReorderedLineStreamTest {

    @TempDir
    Path dir;

    /** Lines {@code fn,millis}; "#..." lines hold no event; anything else is reported bad. */
    private static final class Lines extends ReorderedLineStream {
        Lines(Path path, long horizon) {
            super(path, horizon);
        }

        @Override
        protected InvocationEvent parse(String line) {
            if (line.startsWith("#")) {
                return null;
            }
            String[] f = line.split(",");
            if (f.length != 2) {
                report.bad(lines.lineNumber(), "want fn,millis", line);
                return null;
            }
            return new InvocationEvent(f[0], Long.parseLong(f[1]), Map.of(), "");
        }
    }

    private static List<String> ids(List<InvocationEvent> events) {
        return events.stream().map(e -> e.functionId() + "@" + e.timestampMillis()).toList();
    }

    @Test
    void eventsOutOfOrderWithinTheHorizonComeOutInTimestampOrder() throws IOException {
        Path p = TestFiles.write(dir, "t.csv", "a,100\nb,50\nc,300\nd,250\ne,1000\n");
        try (Lines s = new Lines(p, 100)) {
            assertEquals(List.of("b@50", "a@100", "d@250", "c@300", "e@1000"), ids(TestFiles.drain(s)));
            assertEquals(2, s.report().reorderedEvents());
            assertEquals(5, s.report().eventsEmitted());
        }
    }

    @Test
    void everyLineIsCountedButOnlyParsedEventsAreAcceptedAndBadLinesKeepTheirNumbers() throws IOException {
        Path p = TestFiles.write(dir, "t.csv", "# header\na,1\n\n   \nnot an event\nb,2\n");
        try (Lines s = new Lines(p, 0)) {
            assertEquals(List.of("a@1", "b@2"), ids(TestFiles.drain(s)));
            ReadReport r = s.report();
            assertEquals(6, r.linesRead());
            assertEquals(2, r.rowsAccepted());
            assertEquals(1, r.badRowCount());
            assertEquals(5, r.badRows().get(0).lineNumber());
        }
    }

    @Test
    void anEventLaterThanTheHorizonAllowsIsClampedToTheLastEmittedTime() throws IOException {
        Path p = TestFiles.write(dir, "t.csv", "a,1000\nb,2000\nlate,10\n");
        try (Lines s = new Lines(p, 500)) {
            assertEquals(List.of("a@1000", "late@1000", "b@2000"), ids(TestFiles.drain(s)));
            assertEquals(1, s.report().clampedLateEvents());
        }
    }

    @Test
    void inputEndedBeforeTheFirstLineYieldsNothing() throws IOException {
        Path p = TestFiles.write(dir, "t.csv", "a,1\n");
        try (Lines s = new Lines(p, 0)) {
            s.endOfInput();
            assertFalse(s.hasNext());
            assertThrows(NoSuchElementException.class, s::next);
            assertEquals(0, s.report().linesRead());
        }
    }

    @Test
    void closingStopsTheStream() throws IOException {
        Path p = TestFiles.write(dir, "t.csv", "a,1\nb,2\n");
        Lines s = new Lines(p, 0);
        s.close();
        assertFalse(s.hasNext());
    }
}
