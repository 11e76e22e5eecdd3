package org.layerswap.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.io.InputStream;

/** Line reader with a line number and a byte-based progress estimate; opens {@code .gz} transparently. */
final class LineSource implements AutoCloseable {

    private final BufferedReader in;
    private final long totalBytes;
    private long charsRead;
    private long lineNumber;

    LineSource(Path path) {
        try {
            this.totalBytes = Files.size(path);
            InputStream raw = Files.newInputStream(path);
            if (path.getFileName().toString().endsWith(".gz")) {
                raw = new GZIPInputStream(raw, 1 << 16);
            }
            this.in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open trace " + path + ": " + e.getMessage(), e);
        }
    }

    /** The next line, or null at the end. */
    String readLine() {
        try {
            String line = in.readLine();
            if (line != null) {
                lineNumber++;
                charsRead += line.length() + 1;
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException("read error after line " + lineNumber + ": " + e.getMessage(), e);
        }
    }

    long lineNumber() {
        return lineNumber;
    }

    double progress() {
        return totalBytes <= 0 ? Double.NaN : Math.min(1.0, (double) charsRead / totalBytes);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing a read-only file
        }
    }

    /** Splits a CSV line without quotes (the Azure traces have none) into at most {@code max} fields. */
    static int split(String line, char sep, String[] out) {
        int n = 0;
        int start = 0;
        int len = line.length();
        for (int i = 0; i < len && n < out.length - 1; i++) {
            if (line.charAt(i) == sep) {
                out[n++] = line.substring(start, i);
                start = i + 1;
            }
        }
        out[n++] = line.substring(start);
        return n;
    }
}
