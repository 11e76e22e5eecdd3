package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BoundedLinesTest {

    private static BoundedLines lines(String body, long maxBytes, int maxLine) {
        return new BoundedLines(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), maxBytes, maxLine);
    }

    @Test
    void linesAreSplitOnNewlinesAndNumbered() throws Exception {
        BoundedLines l = lines("a\r\n\nccc\nlast", 1000, 256);
        assertEquals("a\r", l.next());
        assertEquals("", l.next());
        assertEquals("ccc", l.next());
        assertEquals("last", l.next());
        assertEquals(4, l.lineNo());
        assertNull(l.next());
    }

    @Test
    void aLineOverTheCapIsCutAndFlaggedAndTheNextLineIsIntact() throws Exception {
        BoundedLines l = lines("x".repeat(10_000) + "\nok\n", 100_000, 256);
        String first = l.next();
        assertEquals(256, first.length());
        assertTrue(l.overflowed());
        assertEquals("ok", l.next());
        assertFalse(l.overflowed());
    }

    @Test
    void theByteCapHoldsWithoutAnyDeclaredLength() throws Exception {
        // an endless body: the cap, not the end of the stream, stops the reader
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'y';
            }
        };
        BoundedLines l = new BoundedLines(endless, 4096, 256);
        BoundedLines.TooLarge e = assertThrows(BoundedLines.TooLarge.class, l::next);
        assertEquals("request body exceeds maxBodyBytes 4096", e.getMessage());
    }

    @Test
    void aBodyOfExactlyTheCapIsRead() throws Exception {
        BoundedLines l = lines("a".repeat(1023) + "\n", 1024, 2048);
        assertEquals(1023, l.next().length());
        assertNull(l.next());
    }
}
