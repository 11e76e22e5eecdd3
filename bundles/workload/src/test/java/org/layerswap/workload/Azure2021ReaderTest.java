package org.layerswap.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.InvocationEvent;

class Azure2021ReaderTest {

    @TempDir
    Path dir;

    @Test
    void startIsEndMinusDurationInStartOrderAndBadRowsAreReportedWithLineNumbers() throws Exception {
        Path f = TestFiles.write(dir, "t.csv", String.join("\n",
                "app,func,end_timestamp,duration",
                "a1,f1,10.0,1.0",        // start 9.0
                "a1,f2,12.0,8.5",        // start 3.5 (earlier than the previous row)
                "a2,f3,x,1",             // bad number (line 4)
                "a2,f3,13.0",            // too few fields (line 5)
                "a2,f3,14.0,-1",         // negative (line 6)
                "a2,f3,20.25,0.25",      // start 20.0
                "") + "\n");
        try (Azure2021Reader r = new Azure2021Reader(f)) {
            List<InvocationEvent> ev = TestFiles.drain(r);
            assertEquals(List.of("a1/f2", "a1/f1", "a2/f3"), ev.stream().map(InvocationEvent::functionId).toList());
            assertEquals(List.of(3500L, 9000L, 20000L), ev.stream().map(InvocationEvent::timestampMillis).toList());
            ReadReport rep = r.report();
            assertEquals(3, rep.badRowCount());
            assertEquals(List.of(4L, 5L, 6L), rep.badRows().stream().map(ReadReport.BadRow::lineNumber).toList());
            assertEquals(3, rep.rowsAccepted());
            assertTrue(rep.summary().contains("line 4"), rep.summary());
        }
    }

    @Test
    void columnsAreFoundByNameAndAWrongHeaderIsAClearError() throws Exception {
        Path f = TestFiles.write(dir, "t.csv", "duration,end_timestamp,func,app\n2,5,fx,ax\n");
        assertEquals(List.of(InvocationEvent.of("ax/fx", 3000)), TestFiles.drain(new Azure2021Reader(f)));
        Path bad = TestFiles.write(dir, "b.csv", "a,b,c\n1,2,3\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Azure2021Reader(bad));
        assertTrue(e.getMessage().contains("end_timestamp"), e.getMessage());
    }

    @Test
    void lateRowsBeyondTheHorizonAreClampedAndCounted() throws Exception {
        Path f = TestFiles.write(dir, "t.csv", "app,func,end_timestamp,duration\na,f,100,0\na,g,200,0\na,h,201,150\n");
        try (Azure2021Reader r = new Azure2021Reader(f, 10_000)) {
            List<InvocationEvent> ev = TestFiles.drain(r);
            assertEquals(3, ev.size());
            for (int i = 1; i < ev.size(); i++) {
                assertTrue(ev.get(i).timestampMillis() >= ev.get(i - 1).timestampMillis());
            }
            assertEquals(1, r.report().clampedLateEvents());
        }
    }
}
