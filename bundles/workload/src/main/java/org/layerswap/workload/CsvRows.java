package org.layerswap.workload;

/**
 * The row loop of the Azure 2019 CSV files (invocation counts, durations, memory): a header line
 * (read by the caller) fixes the width, then every data row is split on commas (the files have no quoting) and handed on.
 *
 * <p>Invariants: every line read is counted in the report; blank lines are skipped; a row whose field
 * count differs from the header's is reported as bad ("expected W fields, got N") and not handed on;
 * the handler decides whether a well-formed row is accepted (and reports it bad otherwise).
 */
final class CsvRows {

    /** Receives one well-formed row: its fields (valid up to the header width; reused between rows). */
    @FunctionalInterface
    interface RowHandler {
        void row(String[] fields, String line);
    }

    private CsvRows() {
    }

    /** Hands every remaining non-blank row of exactly {@code width} fields to {@code handler}. */
    static void forEachRow(LineSource lines, ReadReport report, int width, RowHandler handler) {
        String[] f = new String[width + 1];
        String line;
        while ((line = lines.readLine()) != null) {
            report.line();
            if (line.isBlank()) {
                continue;
            }
            int n = LineSource.split(line, ',', f);
            if (n != width) {
                report.bad(lines.lineNumber(), "expected " + width + " fields, got " + n, line);
                continue;
            }
            handler.row(f, line);
        }
    }
}
