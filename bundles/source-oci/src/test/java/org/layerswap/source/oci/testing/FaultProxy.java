package org.layerswap.source.oci.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback HTTP proxy in front of a registry that injects faults: cut a blob download halfway,
 * stall it, or require bearer tokens from its own token endpoint. Records every request (method,
 * path, Range) for assertions.
 */
public final class FaultProxy implements AutoCloseable {

    public record Seen(String method, String path, String range, String authorization) {
    }

    private static final Set<String> HOP = Set.of("connection", "content-length", "transfer-encoding", "host", "keep-alive",
            "upgrade", "expect", "te", "trailer");

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final String target;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    /** Blob GETs (of any digest) that still get cut after half their bytes. */
    public final AtomicInteger cutsLeft = new AtomicInteger();
    /** Blob GETs that still stall (send half, then nothing) for {@link #stallMillis}. */
    public final AtomicInteger stallsLeft = new AtomicInteger();
    public volatile long stallMillis = 10_000;
    /** Non-null: /v2/ requests need "Bearer " + this, issued by /token for user/password. */
    public volatile String bearerToken;
    public volatile String tokenUser = "alice";
    public volatile String tokenPassword = "s3cret";
    public final AtomicInteger tokensIssued = new AtomicInteger();

    public FaultProxy(String targetUrl) throws IOException {
        this.target = targetUrl;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            seen.add(new Seen(ex.getRequestMethod(), path, ex.getRequestHeaders().getFirst("Range"),
                    ex.getRequestHeaders().getFirst("Authorization")));
            if (path.equals("/token")) {
                token(ex);
                return;
            }
            if (bearerToken != null && !("Bearer " + bearerToken).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + url() + "/token\",service=\"fault-proxy\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + path + (query == null ? "" : "?" + query)))
                    .timeout(Duration.ofSeconds(30));
            ex.getRequestHeaders().forEach((k, vs) -> {
                String lk = k.toLowerCase(Locale.ROOT);
                if (!HOP.contains(lk) && !lk.equals("authorization")) {
                    vs.forEach(v -> b.header(k, v));
                }
            });
            byte[] body = ex.getRequestBody().readAllBytes();
            b.method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<InputStream> r;
            try {
                r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            r.headers().map().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase(Locale.ROOT))) {
                    vs.forEach(v -> ex.getResponseHeaders().add(k, v));
                }
            });
            long len = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            boolean blobGet = ex.getRequestMethod().equals("GET") && path.contains("/blobs/sha256:") && r.statusCode() / 100 == 2;
            try (InputStream in = r.body()) {
                if (ex.getRequestMethod().equals("HEAD") || len == 0) {
                    ex.sendResponseHeaders(r.statusCode(), -1);
                    return;
                }
                ex.sendResponseHeaders(r.statusCode(), len < 0 ? 0 : len);
                OutputStream out = ex.getResponseBody();
                if (blobGet && len > 1 && cutsLeft.getAndUpdate(v -> Math.max(0, v - 1)) > 0) {
                    out.write(in.readNBytes((int) (len / 2)));
                    out.flush();
                    // abort: the client sees the connection end short of Content-Length
                    throw new IOException("fault-proxy: cut after " + len / 2 + " of " + len + " bytes");
                }
                if (blobGet && len > 1 && stallsLeft.getAndUpdate(v -> Math.max(0, v - 1)) > 0) {
                    out.write(in.readNBytes((int) (len / 2)));
                    out.flush();
                    try {
                        Thread.sleep(stallMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IOException("fault-proxy: stalled");
                }
                in.transferTo(out);
            }
        } catch (IOException e) {
            // cut or stalled on purpose, or the client went away: drop the connection
            throw e;
        }
    }

    private void token(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String want = "Basic " + Base64.getEncoder().encodeToString((tokenUser + ":" + tokenPassword).getBytes(StandardCharsets.UTF_8));
        if (!want.equals(auth) || bearerToken == null) {
            ex.sendResponseHeaders(401, -1);
            return;
        }
        tokensIssued.incrementAndGet();
        byte[] b = ("{\"token\":\"" + bearerToken + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
