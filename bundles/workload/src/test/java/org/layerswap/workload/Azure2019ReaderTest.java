package org.layerswap.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.InvocationEvent;

class Azure2019ReaderTest {

    @TempDir
    Path dir;

    private static String header(String owner, String prefix, String suffix, boolean trigger) {
        StringBuilder sb = new StringBuilder(owner);
        if (trigger) {
            sb.append(",Trigger");
        }
        for (int m = 1; m <= 1440; m++) {
            sb.append(',').append(prefix).append(m).append(suffix);
        }
        return sb.toString();
    }

    private static String row(String ids, boolean trigger, Map<Integer, String> counts) {
        StringBuilder sb = new StringBuilder(ids);
        if (trigger) {
            sb.append(",http");
        }
        for (int m = 1; m <= 1440; m++) {
            sb.append(',').append(counts.getOrDefault(m, "0"));
        }
        return sb.toString();
    }

    @Test
    void allHeaderVariantsGiveTheSameEvents() throws Exception {
        String[][] variants = {{"", ""}, {"minute_", ""}, {"", "_minute"}};
        List<InvocationEvent> first = null;
        for (String[] v : variants) {
            boolean trig = v[0].isEmpty() && v[1].isEmpty();
            String csv = header(trig ? "HashOwner,HashApp,HashFunction" : "HashFunction,HashOwner,HashApp", v[0], v[1], trig)
                    + "\n" + row(trig ? "o,app,f1" : "f1,o,app", trig, Map.of(1, "2", 3, "1")) + "\n"
                    + row(trig ? "o,app,f2" : "f2,o,app", trig, Map.of(1, "1", 1440, "3")) + "\n";
            Path f = TestFiles.write(dir, "d" + v[0] + v[1] + ".csv", csv);
            List<InvocationEvent> ev = TestFiles.drain(new Azure2019Reader(f, 7));
            assertEquals(7, ev.size());
            if (first == null) {
                first = ev;
            } else {
                assertEquals(first, ev, "variant " + v[0] + "N" + v[1]);
            }
        }
        Map<String, Integer> perFn = new HashMap<>();
        for (int i = 0; i < first.size(); i++) {
            InvocationEvent e = first.get(i);
            perFn.merge(e.functionId(), 1, Integer::sum);
            if (i > 0) {
                assertTrue(e.timestampMillis() >= first.get(i - 1).timestampMillis(), "time order");
            }
        }
        assertEquals(Map.of("app/f1", 3, "app/f2", 4), perFn);
        // each invocation lies inside its minute: f2 has 1 in minute 1 and 3 in minute 1440
        long inLast = first.stream().filter(e -> e.functionId().equals("app/f2") && e.timestampMillis() >= 1439 * 60_000L
                && e.timestampMillis() < 1440 * 60_000L).count();
        assertEquals(3, inLast);
        long f1Minute3 = first.stream().filter(e -> e.functionId().equals("app/f1")
                && e.timestampMillis() >= 120_000 && e.timestampMillis() < 180_000).count();
        assertEquals(1, f1Minute3);
    }

    @Test
    void spreadingIsDeterministicBySeed() throws Exception {
        String csv = header("HashFunction,HashOwner,HashApp", "minute_", "", false) + "\n"
                + row("f1,o,a", false, Map.of(5, "50", 6, "7")) + "\n";
        Path f = TestFiles.write(dir, "s.csv", csv);
        List<InvocationEvent> a = TestFiles.drain(new Azure2019Reader(f, 1));
        List<InvocationEvent> b = TestFiles.drain(new Azure2019Reader(f, 1));
        List<InvocationEvent> c = TestFiles.drain(new Azure2019Reader(f, 2));
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertEquals(57, a.size());
    }

    @Test
    void badRowsAreSkippedWithLineNumbersAndGoodRowsKept() throws Exception {
        String h = header("HashFunction,HashOwner,HashApp", "minute_", "", false);
        String csv = h + "\n"
                + row("f1,o,a", false, Map.of(1, "1")) + "\n"
                + row("f2,o,a", false, Map.of(2, "x")) + "\n"       // line 3: not a number
                + "f3,o,a,1,2\n"                                      // line 4: too few fields
                + row("f4,o,a", false, Map.of(3, "-1")) + "\n"      // line 5: negative
                + row("f5,o,a", false, Map.of(4, "2.0")) + "\n";    // "2.0" is accepted
        Path f = TestFiles.write(dir, "b.csv", csv);
        try (Azure2019Reader r = new Azure2019Reader(f, 1)) {
            List<InvocationEvent> ev = TestFiles.drain(r);
            assertEquals(3, ev.size());
            assertEquals(List.of(3L, 4L, 5L), r.report().badRows().stream().map(ReadReport.BadRow::lineNumber).toList());
            assertEquals(2, r.report().rowsAccepted());
        }
        Path bad = TestFiles.write(dir, "h.csv", "x,y\n1,2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestFiles.drain(new Azure2019Reader(bad, 1)));
        assertTrue(e.getMessage().contains("HashFunction"), e.getMessage());
    }

    @Test
    void severalDayFilesFollowEachOther() throws Exception {
        String h = header("HashFunction,HashOwner,HashApp", "", "", false);
        Path d1 = TestFiles.write(dir, "d1.csv", h + "\n" + row("f,o,a", false, Map.of(1440, "1")) + "\n");
        Path d2 = TestFiles.write(dir, "d2.csv", h + "\n" + row("f,o,a", false, Map.of(1, "1")) + "\n");
        List<InvocationEvent> ev = TestFiles.drain(new Azure2019Reader(List.of(d1, d2), 3));
        assertEquals(2, ev.size());
        assertTrue(ev.get(0).timestampMillis() < Azure2019Reader.DAY_MILLIS);
        assertTrue(ev.get(1).timestampMillis() >= Azure2019Reader.DAY_MILLIS);
    }
}
