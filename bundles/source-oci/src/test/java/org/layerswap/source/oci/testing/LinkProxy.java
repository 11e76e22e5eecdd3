package org.layerswap.source.oci.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client's link to a registry: a TCP proxy on 127.0.0.1 whose downloads (upstream to client) can be throttled to a
 * bandwidth and whose upstream can move (a registry restarted on another port). Uploads are never limited. While
 * throttled the link is paced with no burst allowance: a token bucket that filled while idle would hand a cold pull
 * its first second free. Used by the executor's {@code ColdStartBench} (links of given bandwidths) and the itests'
 * soak (a throttled period, a registry stopped and restarted behind the same URL).
 *
 * <p>Invariants: a client whose upstream cannot be reached (the registry is stopped) gets its connection closed at
 * once and the proxy keeps accepting; a change of rate applies to the bytes sent after it, on open connections too.
 */
public final class LinkProxy implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong downloaded = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile int upstreamPort;
    /** Download bandwidth in bytes/s; 0 = unlimited. */
    private volatile long bytesPerSecond;
    private long nextFreeNanos = System.nanoTime();

    public LinkProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::accept, "link-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Points new connections at another upstream port (open ones keep theirs until they close). */
    public void retarget(int port) {
        upstreamPort = port;
    }

    /** Limits downloads to {@code rate} bytes/s; 0 lifts the limit. */
    public void throttle(long rate) {
        if (rate < 0) {
            throw new IllegalArgumentException("a link rate must be >= 0 bytes/s (0 = unlimited), got " + rate);
        }
        bytesPerSecond = rate;
    }

    /** Bytes carried from the upstream to clients so far. */
    public long downloadedBytes() {
        return downloaded.get();
    }

    /** Client connections closed at once because the upstream refused the connection. */
    public long refusedConnections() {
        return refused.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException e) { // upstream down: the client sees its connection closed, as with no registry
                refused.incrementAndGet();
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to, boolean download) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (download) {
                        pace(n);
                        downloaded.addAndGet(n);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // connection closed by either side
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "link-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** While throttled, waits until the link has carried {@code n} more bytes after everything sent before. */
    private void pace(int n) throws InterruptedException {
        long rate = bytesPerSecond;
        if (rate == 0) {
            return;
        }
        long due;
        synchronized (this) {
            long now = System.nanoTime();
            // a sleep that overshoots must not cost the link bandwidth: only idle time longer than 2 ms is lost
            nextFreeNanos = Math.max(now - 2_000_000, nextFreeNanos) + n * 1_000_000_000L / rate;
            due = nextFreeNanos;
        }
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(LinkProxy::closeQuietly);
    }
}
