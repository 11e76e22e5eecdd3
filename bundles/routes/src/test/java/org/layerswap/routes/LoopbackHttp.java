package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 POST to {@code /ingest} on a loopback port, written byte by byte so that Host, Origin and the body
 * framing are exactly what an attacker would send. The body is streamed from an {@link InputStream} on its own
 * thread (never held whole), so that a server answering early is seen at once.
 */
final class LoopbackHttp {

    /**
     * What the server answered, and how many body bytes the client had written when the answer's first byte arrived
     * (Jetty then closes gracefully: it discards the rest of the upload unread, so the answer time is what counts).
     */
    record Answer(int status, String text, long bodyBytesWritten) {
    }

    private LoopbackHttp() {
    }

    /**
     * Sends a POST with {@code headers} (each ending in CRLF) and the bytes of {@code body}: with
     * {@code Content-Length: contentLength}, or chunked when {@code contentLength < 0}.
     */
    static Answer post(int port, String headers, InputStream body, long contentLength) throws Exception {
        boolean chunked = contentLength < 0;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            String head = "POST /ingest HTTP/1.1\r\n" + headers + "Connection: close\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + contentLength + "\r\n") + "\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> {
                try {
                    byte[] block = new byte[64 * 1024];
                    for (int n = body.read(block); n >= 0; n = body.read(block)) {
                        if (n == 0) {
                            continue;
                        }
                        if (chunked) {
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        }
                        out.write(block, 0, n);
                        if (chunked) {
                            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        }
                        written.addAndGet(n);
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.flush();
                } catch (IOException closedByServer) {
                    // the server stopped reading: expected for refused bodies
                }
            }, "loopback-http-writer");
            writer.setDaemon(true);
            writer.start();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            long writtenAtAnswer = -1;
            try {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    if (writtenAtAnswer < 0) {
                        writtenAtAnswer = written.get();
                    }
                    reply.write(buf, 0, n);
                }
            } catch (IOException reset) {
                // a reset after the answer was read
            }
            s.close();
            writer.join(30_000);
            String text = reply.toString(StandardCharsets.UTF_8);
            assertTrue(text.startsWith("HTTP/1.1 "), "no HTTP answer: " + text);
            return new Answer(Integer.parseInt(text.substring(9, 12)), text, writtenAtAnswer);
        }
    }

    /** {@code length} bytes repeating {@code unit}, generated while read. */
    static InputStream repeating(byte[] unit, long length) {
        return new InputStream() {
            long pos;

            @Override
            public int read() {
                return pos < length ? unit[(int) (pos++ % unit.length)] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= length) {
                    return -1;
                }
                int n = (int) Math.min(len, length - pos);
                for (int i = 0; i < n; i++) {
                    b[off + i] = unit[(int) (pos++ % unit.length)];
                }
                return n;
            }
        };
    }
}
