package org.layerswap.containerd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback HTTP proxy in front of a registry that records every request path, so a test can tell which blobs
 * containerd fetched (docker-registry's own access log is off in the shared test registry). Pull requests only (GET,
 * HEAD); the registry's answer is passed on with its status and headers.
 */
final class CountingRegistryProxy implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of("content-length", "transfer-encoding", "connection", "date");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final String upstream;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private CountingRegistryProxy(HttpServer server, String upstream) {
        this.server = server;
        this.upstream = upstream;
    }

    static CountingRegistryProxy start(String upstreamUrl) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        CountingRegistryProxy p = new CountingRegistryProxy(s, upstreamUrl);
        s.createContext("/", p::handle);
        s.setExecutor(Executors.newFixedThreadPool(4));
        s.start();
        return p;
    }

    String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every request so far, as {@code METHOD path}. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    /** Requests for the blob {@code digest} (GET or HEAD) so far. */
    long blobRequests(String digest) {
        return requests.stream().filter(r -> r.endsWith("/blobs/" + digest)).count();
    }

    void reset() {
        requests.clear();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            requests.add(method + " " + ex.getRequestURI().getPath());
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(upstream + ex.getRequestURI()))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            ex.getRequestHeaders().forEach((k, vs) -> {
                if (k.equalsIgnoreCase("accept") || k.equalsIgnoreCase("authorization") || k.equalsIgnoreCase("range")) {
                    vs.forEach(v -> req.header(k, v));
                }
            });
            HttpResponse<InputStream> r;
            try {
                r = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            r.headers().map().forEach((k, vs) -> {
                if (!HOP_BY_HOP.contains(k.toLowerCase()) && !k.startsWith(":")) {
                    ex.getResponseHeaders().put(k, vs);
                }
            });
            long length = r.headers().firstValueAsLong("content-length").orElse(0);
            if (method.equals("HEAD")) {
                ex.getResponseHeaders().set("Content-Length", Long.toString(length));
                ex.sendResponseHeaders(r.statusCode(), -1);
                r.body().close();
                return;
            }
            ex.sendResponseHeaders(r.statusCode(), length == 0 ? -1 : length);
            try (InputStream in = r.body(); OutputStream out = ex.getResponseBody()) {
                in.transferTo(out);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
