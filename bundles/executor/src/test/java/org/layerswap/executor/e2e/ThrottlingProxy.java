package org.layerswap.executor.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of the loopback registry whose downloads (registry to client) share one
 * link: the registry as seen over a link of the given bandwidth. Uploads are not limited. The link is paced
 * with no burst allowance (a token bucket that fills while idle would hand a cold pull its first second free).
 */
final class ThrottlingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final long bytesPerSecond;
    private long nextFreeNanos = System.nanoTime();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    ThrottlingProxy(int targetPort, long bytesPerSecond) throws IOException {
        this.targetPort = targetPort;
        this.bytesPerSecond = bytesPerSecond;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = new Thread(this::accept, "throttling-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean throttled) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[32 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (throttled) {
                        pace(n);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // connection closed by either side
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "throttling-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Waits until the link has carried {@code n} more bytes after everything sent before. */
    private void pace(int n) throws InterruptedException {
        long due;
        synchronized (this) {
            long now = System.nanoTime();
            // a sleep that overshoots must not cost the link bandwidth: only idle time longer than 2 ms is lost
            nextFreeNanos = Math.max(now - 2_000_000, nextFreeNanos) + n * 1_000_000_000L / bytesPerSecond;
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
        sockets.forEach(ThrottlingProxy::closeQuietly);
    }
}
