package org.layerswap.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.layerswap.api.LayerId;
import org.layerswap.api.config.SecretToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * This node's peer blob endpoint: {@code GET|HEAD /layerswap/cluster/blobs/<digest>} serves a verified blob of the
 * {@link BlobCache} to peers. Its own listener on {@code bindAddress:peerPort} (the cluster's private address, never a
 * wildcard), not the appliance's web server: peers reach it without the dashboard being opened. Every request must
 * carry the cluster token ({@code Authorization: Bearer}); without it: 401 with a {@code WWW-Authenticate: Bearer}
 * challenge and nothing about the blobs. A single {@code Range: bytes=N-} or {@code bytes=N-M} is honoured (206 with
 * {@code Content-Range}, 416 past the end) so a cut transfer resumes; a malformed digest is 400, an absent blob 404.
 * A blob counts as served once the last byte of the requested range was handed to the connection (the peer may
 * have read it a moment before the count moves).
 */
public final class BlobServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BlobServer.class);
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final HttpServer server;
    private final ExecutorService pool;
    private final BlobCache cache;
    private final SecretToken token;
    private final TransferCounters counters;

    /** Starts listening on {@code address:port} (0: any free port, see {@link #port()}). */
    public BlobServer(String address, int port, BlobCache cache, SecretToken token, TransferCounters counters) throws IOException {
        this.cache = cache;
        this.token = token;
        this.counters = counters;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "layerswap-peer-blobs-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), port), 32);
        server.createContext(PeerClient.PATH, this::handle);
        server.setExecutor(pool);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://address:port}, what peers find in this member's attribute. */
    public String endpoint() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            x.getResponseHeaders().set("Cache-Control", "no-store");
            if (!token.admits(x.getRequestHeaders().getFirst("Authorization"))) {
                x.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"layerswap-cluster\"");
                text(x, 401, "cluster token required: Authorization: Bearer <token> (docs/cluster.md)");
                return;
            }
            String method = x.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                x.getResponseHeaders().set("Allow", "GET, HEAD");
                text(x, 405, "only GET and HEAD");
                return;
            }
            LayerId id;
            try {
                id = LayerId.of(x.getRequestURI().getPath().substring(PeerClient.PATH.length()));
            } catch (IllegalArgumentException e) {
                text(x, 400, e.getMessage());
                return;
            }
            if (!cache.has(id)) {
                text(x, 404, "this node does not hold " + id);
                return;
            }
            serve(x, id, method.equals("HEAD"));
        } catch (IOException e) {
            LOG.debug("peer blob request {} failed: {}", x.getRequestURI(), e.toString());
        }
    }

    private void serve(HttpExchange x, LayerId id, boolean head) throws IOException {
        long size = cache.size(id);
        long from = 0;
        long to = size - 1;
        String range = x.getRequestHeaders().getFirst("Range");
        if (range != null) {
            Matcher m = RANGE.matcher(range.trim());
            if (!m.matches()) {
                text(x, 416, "only a single 'bytes=N-' or 'bytes=N-M' range is served, got '" + range + "'");
                return;
            }
            from = Long.parseLong(m.group(1));
            if (!m.group(2).isEmpty()) {
                to = Math.min(to, Long.parseLong(m.group(2)));
            }
            if (from >= size || from > to) {
                x.getResponseHeaders().set("Content-Range", "bytes */" + size);
                text(x, 416, "range " + range + " is outside the " + size + " bytes of " + id);
                return;
            }
            x.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        long length = to - from + 1;
        x.getResponseHeaders().set("Content-Type", "application/octet-stream");
        x.getResponseHeaders().set("Accept-Ranges", "bytes");
        x.getResponseHeaders().set("Docker-Content-Digest", id.digest());
        int status = range == null ? 200 : 206;
        if (head) {
            x.getResponseHeaders().set("Content-Length", Long.toString(length));
            x.sendResponseHeaders(status, -1);
            return;
        }
        x.sendResponseHeaders(status, length);
        try (InputStream in = cache.open(id, from); OutputStream out = x.getResponseBody()) {
            byte[] buf = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException(id + " ended early (evicted while served)");
                }
                out.write(buf, 0, n);
                left -= n;
            }
        }
        counters.served.incrementAndGet();
    }

    private static void text(HttpExchange x, int status, String body) throws IOException {
        byte[] b = (body + "\n").getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/plain;charset=utf-8");
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
