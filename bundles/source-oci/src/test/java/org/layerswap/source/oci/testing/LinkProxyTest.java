package org.layerswap.source.oci.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import org.junit.jupiter.api.Test;

class LinkProxyTest {

    /** A loopback server that sends {@code bytes} to every connection, then closes it. */
    private static ServerSocket sender(byte[] bytes) throws IOException {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                    c.getOutputStream().write(bytes);
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return s;
    }

    private static byte[] download(LinkProxy proxy) throws IOException {
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), proxy.port()); InputStream in = c.getInputStream()) {
            c.setSoTimeout(30_000);
            return in.readAllBytes();
        }
    }

    @Test
    void carriesTheUpstreamsBytesUnchangedAndCountsThem() throws Exception {
        byte[] data = new byte[100_000];
        new java.util.Random(1).nextBytes(data);
        try (ServerSocket up = sender(data); LinkProxy proxy = new LinkProxy(up.getLocalPort())) {
            assertArrayEquals(data, download(proxy));
            assertEquals(data.length, proxy.downloadedBytes());
        }
    }

    @Test
    void aThrottledLinkTakesAtLeastTheBytesOverTheRate() throws Exception {
        byte[] data = new byte[64 * 1024];
        try (ServerSocket up = sender(data); LinkProxy proxy = new LinkProxy(up.getLocalPort())) {
            proxy.throttle(64 * 1024);
            long t0 = System.nanoTime();
            assertEquals(data.length, download(proxy).length);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            // 64 KiB at 64 KiB/s: the first 16 KiB chunk goes after 250 ms of pacing, the last one after 1 s
            assertTrue(millis >= 900, "64 KiB over a 64 KiB/s link took " + millis + " ms");
            proxy.throttle(0);
            t0 = System.nanoTime();
            assertEquals(data.length, download(proxy).length);
            millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis < 900, "unthrottled, 64 KiB took " + millis + " ms");
        }
    }

    @Test
    void closesClientsWhileTheUpstreamIsDownAndServesThemAgainOnceRetargeted() throws Exception {
        ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        int deadPort = gone.getLocalPort();
        gone.close();
        byte[] data = "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (LinkProxy proxy = new LinkProxy(deadPort); ServerSocket up = sender(data)) {
            assertEquals(0, download(proxy).length);
            assertEquals(1, proxy.refusedConnections());
            proxy.retarget(up.getLocalPort());
            assertArrayEquals(data, download(proxy));
        }
    }

    @Test
    void refusesANegativeRate() throws Exception {
        try (LinkProxy proxy = new LinkProxy(1)) {
            assertThrows(IllegalArgumentException.class, () -> proxy.throttle(-1));
        }
    }
}
