package org.layerswap.routes;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Streams the lines of a request body with two bounds, so that no request can make the node buffer more than
 * {@code maxLineChars} characters: the body may hold at most {@code maxBodyBytes} bytes ({@link TooLarge} is thrown on
 * the first byte beyond, whatever Content-Length said), and a line longer than {@code maxLineChars} is returned cut at
 * that length with {@link #overflowed()} true while the rest of it is skipped. Line ends are {@code \n}; a trailing
 * {@code \r} stays (the line parser tolerates it).
 */
final class BoundedLines implements AutoCloseable {

    /** The body exceeded its byte cap. */
    static final class TooLarge extends IOException {
        TooLarge(long max) {
            super("request body exceeds maxBodyBytes " + max);
        }
    }

    private final BufferedReader in;
    private final int maxLineChars;
    private final StringBuilder line = new StringBuilder();
    private boolean overflowed;
    private long lineNo;

    BoundedLines(InputStream body, long maxBodyBytes, int maxLineChars) {
        this.in = new BufferedReader(new InputStreamReader(new Capped(body, maxBodyBytes), StandardCharsets.UTF_8), 8192);
        this.maxLineChars = maxLineChars;
    }

    /** The next line (at most {@code maxLineChars} characters) or null at the end of the body. */
    String next() throws IOException {
        line.setLength(0);
        overflowed = false;
        int c = in.read();
        if (c < 0) {
            return null;
        }
        while (c >= 0 && c != '\n') {
            if (line.length() < maxLineChars) {
                line.append((char) c);
            } else {
                overflowed = true;
            }
            c = in.read();
        }
        lineNo++;
        return line.toString();
    }

    /** Whether the last line was longer than {@code maxLineChars} (and was cut). */
    boolean overflowed() {
        return overflowed;
    }

    /** 1-based number of the last line returned. */
    long lineNo() {
        return lineNo;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Counts bytes; throws {@link TooLarge} past the cap. */
    private static final class Capped extends FilterInputStream {
        private final long max;
        private long count;

        Capped(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && ++count > max) {
                throw new TooLarge(max);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long room = max - count; // >= 0: count never passes max without throwing
            int n = super.read(b, off, room >= len ? len : (int) room + 1);
            if (n > 0 && (count += n) > max) {
                throw new TooLarge(max);
            }
            return n;
        }
    }
}
