package org.layerswap.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvRowsTest {

    @TempDir
    Path dir;

    private record Row(String fields, String line) {
    }

    private List<Row> rows(String content, int width, ReadReport report) throws IOException {
        Path p = TestFiles.write(dir, "t.csv", content);
        List<Row> out = new ArrayList<>();
        try (LineSource lines = new LineSource(p)) {
            CsvRows.forEachRow(lines, report, width,
                    (f, line) -> out.add(new Row(String.join("|", Arrays.asList(f).subList(0, width)), line)));
        }
        return out;
    }

    @Test
    void rowsOfTheHeaderWidthAreHandedOnSplitOnCommasWithEmptyFieldsKept() throws IOException {
        ReadReport report = new ReadReport("t");
        List<Row> rows = rows("a,b,c\n1,,3\n", 3, report);
        assertEquals(List.of(new Row("a|b|c", "a,b,c"), new Row("1||3", "1,,3")), rows);
        assertEquals(2, report.linesRead());
        assertEquals(0, report.badRowCount());
    }

    @Test
    void rowsOfAnotherWidthAreReportedWithTheirLineNumberAndBlankLinesAreOnlyCounted() throws IOException {
        ReadReport report = new ReadReport("t");
        List<Row> rows = rows("1,2\n\n1,2,3\n4\n5,6\n", 2, report);
        assertEquals(List.of(new Row("1|2", "1,2"), new Row("5|6", "5,6")), rows);
        assertEquals(5, report.linesRead());
        assertEquals(2, report.badRowCount());
        assertEquals(3, report.badRows().get(0).lineNumber());
        assertEquals("expected 2 fields, got 3", report.badRows().get(0).reason());
        assertEquals("expected 2 fields, got 1", report.badRows().get(1).reason());
    }

    @Test
    void theHandlerDecidesWhatIsAccepted() throws IOException {
        ReadReport report = new ReadReport("t");
        rows("1,2\n3,4\n", 2, report);
        assertEquals(0, report.rowsAccepted());
    }
}
