package org.layerswap.source.oci;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;
import org.layerswap.oci.format.Descriptor;
import org.layerswap.oci.format.Digests;
import org.layerswap.oci.format.Json;
import org.layerswap.oci.format.OciManifests;
import org.layerswap.oci.format.OciMediaTypes;

/**
 * OCI Distribution API client on {@link HttpClient}: manifests (OCI and Docker v2, image indexes
 * resolved to the configured platform), blobs by digest with HTTP Range, anonymous / basic /
 * bearer-token auth (from the {@code WWW-Authenticate} challenge), timeouts on connect and on
 * every read, bounded retries with exponential back-off, and a short "down" period after a
 * registry failed every attempt so callers are not kept waiting again. Also pushes blobs and
 * manifests (tests, demo). Errors name registry, repository, digest/reference and HTTP status.
 */
public final class RegistryClient implements LayerSource {

    public static final String NAME = "oci";
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final long PUSH_CHUNK = 16L << 20;

    private final RegistryConfig config;
    private final String name;
    private final HttpClient http;
    private final Map<String, String> bearerTokens = new ConcurrentHashMap<>();
    private final Map<String, String> authSchemes = new ConcurrentHashMap<>();
    private final AtomicLong downUntilNanos = new AtomicLong(Long.MIN_VALUE);
    private volatile String downReason = "";
    private final AtomicLong attemptsMade = new AtomicLong();

    public RegistryClient(RegistryConfig config) {
        this(config, NAME);
    }

    public RegistryClient(RegistryConfig config, String name) {
        this.config = config;
        this.name = name;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    @Override
    public String name() {
        return name;
    }

    public RegistryConfig config() {
        return config;
    }

    /** HTTP requests sent so far (each attempt counts), for tests and metrics. */
    public long attempts() {
        return attemptsMade.get();
    }

    // ------------------------------------------------------------------ pull

    @Override
    public ImageManifest resolve(String imageReference) throws LayerSourceException {
        Ref ref = Ref.parse(imageReference, config.registry());
        Fetched doc = getManifest(ref.repository, ref.reference);
        String manifestDigest = doc.digest;
        byte[] body = doc.body;
        String what = "registry " + config.registry() + " repository " + ref.repository + " manifest " + ref.reference;
        try {
            if (OciManifests.isIndex(doc.contentType, body)) {
                Descriptor d = OciManifests.selectPlatform(OciManifests.parseIndex(body), config.os(), config.architecture());
                Fetched m = getManifest(ref.repository, d.digest());
                manifestDigest = d.digest();
                body = m.body;
            }
            OciManifests.Manifest m = OciManifests.parseManifest(body);
            byte[] cfg = getSmallBlob(ref.repository, m.config().digest());
            return new ImageManifest(imageReference, ref.repository, manifestDigest, m.layers(), OciManifests.parseConfig(cfg));
        } catch (IllegalArgumentException e) {
            throw new LayerSourceException(what + ": malformed document: " + e.getMessage(), false, e);
        }
    }

    @Override
    public InputStream openBlob(String repository, LayerDescriptor layer, long offset) throws LayerSourceException {
        String what = "registry " + config.registry() + " repository " + repository + " blob " + layer.id();
        URI uri = v2(repository, "blobs/" + layer.id().digest());
        HttpResponse<InputStream> r = send(what, repository, () -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(config.connectTimeout());
            if (offset > 0) {
                b.header("Range", "bytes=" + offset + "-");
            }
            return b;
        }, HttpResponse.BodyHandlers.ofInputStream());
        int status = r.statusCode();
        InputStream body = r.body();
        try {
            if (status == 206) {
                String cr = r.headers().firstValue("Content-Range").orElse("");
                if (!cr.startsWith("bytes " + offset + "-")) {
                    body.close();
                    throw new LayerSourceException(what + ": asked for bytes " + offset + "- but got Content-Range '" + cr + "'", true);
                }
            } else if (status == 200) {
                if (offset > 0) { // server ignored Range: skip what we already have
                    body.skipNBytes(offset);
                }
            } else if (status == 416) {
                body.close();
                throw new LayerSourceException(what + ": range " + offset + "- not satisfiable (HTTP 416)", false);
            } else {
                String text = new String(body.readNBytes(512), StandardCharsets.UTF_8);
                body.close();
                throw new LayerSourceException(what + ": HTTP " + status + " " + text.strip(), status >= 500 || status == 429);
            }
        } catch (IOException e) {
            if (e instanceof LayerSourceException lse) {
                throw lse;
            }
            throw new LayerSourceException(what + ": " + e, true, e);
        }
        return InactivityTimeoutStream.wrap(body, config.readTimeout(), what);
    }

    private Fetched getManifest(String repository, String reference) throws LayerSourceException {
        String what = "registry " + config.registry() + " repository " + repository + " manifest " + reference;
        HttpResponse<byte[]> r = send(what, repository,
                () -> HttpRequest.newBuilder(v2(repository, "manifests/" + reference)).GET()
                        .header("Accept", OciMediaTypes.ACCEPT_ALL).timeout(config.readTimeout()),
                HttpResponse.BodyHandlers.ofByteArray());
        requireOk(r, what);
        byte[] body = r.body();
        String computed = Digests.sha256(body);
        if (reference.startsWith("sha256:") && !reference.equals(computed)) {
            throw new LayerSourceException(what + ": manifest content has digest " + computed + ", refusing it", false);
        }
        return new Fetched(body, r.headers().firstValue("Content-Type").orElse(null), computed);
    }

    private byte[] getSmallBlob(String repository, String digest) throws LayerSourceException {
        String what = "registry " + config.registry() + " repository " + repository + " blob " + digest;
        HttpResponse<byte[]> r = send(what, repository,
                () -> HttpRequest.newBuilder(v2(repository, "blobs/" + digest)).GET().timeout(config.readTimeout()),
                HttpResponse.BodyHandlers.ofByteArray());
        requireOk(r, what);
        String computed = Digests.sha256(r.body());
        if (!computed.equals(digest)) {
            throw new LayerSourceException(what + ": content has digest " + computed + ", refusing it", false);
        }
        return r.body();
    }

    private record Fetched(byte[] body, String contentType, String digest) {
    }

    // ------------------------------------------------------------------ push

    /** True when the registry holds the blob. */
    public boolean hasBlob(String repository, String digest) throws LayerSourceException {
        String what = "registry " + config.registry() + " repository " + repository + " blob " + digest;
        HttpResponse<Void> r = send(what, repository,
                () -> HttpRequest.newBuilder(v2(repository, "blobs/" + digest)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .timeout(config.readTimeout()), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
            return true;
        }
        if (r.statusCode() == 404) {
            return false;
        }
        throw new LayerSourceException(what + ": HEAD gave HTTP " + r.statusCode(), r.statusCode() >= 500);
    }

    /** Uploads a blob file (monolithic up to 16 MiB, chunked PATCH above), skipping it when present. */
    public void pushBlob(String repository, String digest, Path file) throws LayerSourceException {
        if (hasBlob(repository, digest)) {
            return;
        }
        String what = "registry " + config.registry() + " repository " + repository + " upload " + digest;
        try {
            long size = Files.size(file);
            HttpResponse<String> start = send(what, repository,
                    () -> HttpRequest.newBuilder(v2(repository, "blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody())
                            .timeout(config.readTimeout()), HttpResponse.BodyHandlers.ofString());
            expect(start, 202, what);
            URI location = location(start, what);
            if (size > PUSH_CHUNK) {
                long off = 0;
                while (off < size) {
                    long len = Math.min(PUSH_CHUNK, size - off);
                    long from = off;
                    URI at = location;
                    HttpResponse<String> p = send(what, repository, () -> HttpRequest.newBuilder(at)
                            .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                                    HttpRequest.BodyPublishers.ofInputStream(() -> slice(file, from, len)), len))
                            .header("Content-Type", "application/octet-stream")
                            .header("Content-Range", from + "-" + (from + len - 1))
                            .timeout(Duration.ofMinutes(5)), HttpResponse.BodyHandlers.ofString());
                    expect(p, 202, what);
                    location = location(p, what);
                    off += len;
                }
                URI done = withQuery(location, "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
                HttpResponse<String> fin = send(what, repository, () -> HttpRequest.newBuilder(done)
                        .PUT(HttpRequest.BodyPublishers.noBody()).timeout(config.readTimeout()), HttpResponse.BodyHandlers.ofString());
                expect(fin, 201, what);
            } else {
                URI done = withQuery(location, "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
                HttpResponse<String> put = send(what, repository, () -> {
                    try {
                        return HttpRequest.newBuilder(done).PUT(HttpRequest.BodyPublishers.ofFile(file))
                                .header("Content-Type", "application/octet-stream").timeout(Duration.ofMinutes(5));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, HttpResponse.BodyHandlers.ofString());
                expect(put, 201, what);
            }
        } catch (IOException e) {
            if (e instanceof LayerSourceException lse) {
                throw lse;
            }
            throw new LayerSourceException(what + ": " + e, false, e);
        }
    }

    /** PUTs a manifest or index under {@code reference} (tag or digest). */
    public void pushManifest(String repository, String reference, String mediaType, byte[] body) throws LayerSourceException {
        String what = "registry " + config.registry() + " repository " + repository + " manifest " + reference;
        HttpResponse<String> r = send(what, repository, () -> HttpRequest.newBuilder(v2(repository, "manifests/" + reference))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", mediaType)
                .timeout(config.readTimeout()), HttpResponse.BodyHandlers.ofString());
        expect(r, 201, what);
    }

    /**
     * Pushes the image named {@code refName} in an OCI image layout to {@code repository:tag}: every
     * blob (layers, config), then the manifest (and, for an index entry, the index's manifests).
     */
    public void pushFromLayout(Path layout, String refName, String repository, String tag) throws LayerSourceException {
        try {
            List<Descriptor> index = OciManifests.parseIndex(Files.readAllBytes(layout.resolve("index.json")));
            Descriptor entry = index.stream().filter(d -> refName.equals(d.annotation(OciManifests.REF_NAME_ANNOTATION)))
                    .findFirst().orElseThrow(() -> new LayerSourceException("layout " + layout + " has no image '" + refName + "'", false));
            byte[] manifest = Files.readAllBytes(blob(layout, entry.digest()));
            OciManifests.Manifest m = OciManifests.parseManifest(manifest);
            pushBlob(repository, m.config().digest(), blob(layout, m.config().digest()));
            for (LayerDescriptor l : m.layers()) {
                pushBlob(repository, l.id().digest(), blob(layout, l.id().digest()));
            }
            String mt = Optional.ofNullable(m.mediaType()).orElse(OciMediaTypes.OCI_MANIFEST);
            pushManifest(repository, tag, mt, manifest);
        } catch (IOException e) {
            if (e instanceof LayerSourceException lse) {
                throw lse;
            }
            throw new LayerSourceException("push of " + layout + ":" + refName + " failed: " + e, false, e);
        }
    }

    private static Path blob(Path layout, String digest) {
        int colon = digest.indexOf(':');
        return layout.resolve("blobs").resolve(digest.substring(0, colon)).resolve(digest.substring(colon + 1));
    }

    private static InputStream slice(Path file, long from, long len) {
        try {
            InputStream in = Files.newInputStream(file);
            in.skipNBytes(from);
            return new java.io.FilterInputStream(in) {
                long left = len;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = super.read();
                    if (b >= 0) {
                        left--;
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int n) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int r = super.read(b, off, (int) Math.min(n, left));
                    if (r > 0) {
                        left -= r;
                    }
                    return r;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private URI location(HttpResponse<?> r, String what) throws LayerSourceException {
        String loc = r.headers().firstValue("Location").orElseThrow(
                () -> new LayerSourceException(what + ": upload response without Location header", false));
        return r.uri().resolve(loc);
    }

    private static URI withQuery(URI u, String q) {
        String s = u.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + q);
    }

    private void expect(HttpResponse<String> r, int status, String what) throws LayerSourceException {
        if (r.statusCode() != status) {
            throw new LayerSourceException(what + ": HTTP " + r.statusCode() + " (wanted " + status + ") " + abbreviate(r.body()),
                    r.statusCode() >= 500);
        }
    }

    // ------------------------------------------------------------------ transport

    private void requireOk(HttpResponse<byte[]> r, String what) throws LayerSourceException {
        int s = r.statusCode();
        if (s == 200) {
            return;
        }
        String body = abbreviate(new String(r.body(), StandardCharsets.UTF_8));
        if (s == 404) {
            throw new LayerSourceException(what + ": not found (HTTP 404) " + body, false);
        }
        throw new LayerSourceException(what + ": HTTP " + s + " " + body, s >= 500 || s == 429);
    }

    /**
     * Sends with auth and bounded retries. Retries connect failures, timeouts, 5xx and 429 with
     * exponential back-off; answers 401 once by authenticating as the challenge asks.
     */
    private <T> HttpResponse<T> send(String what, String repository, Supplier<HttpRequest.Builder> request,
                                     HttpResponse.BodyHandler<T> handler) throws LayerSourceException {
        long now = System.nanoTime();
        long downUntil = downUntilNanos.get();
        if (downUntil != Long.MIN_VALUE && now - downUntil < 0) {
            throw new LayerSourceException(what + ": registry " + config.registry() + " is backed off for another "
                    + Duration.ofNanos(downUntil - now).toMillis() + " ms after failing every attempt (" + downReason + ")", true);
        }
        long start = now;
        Duration backoff = config.initialBackoff();
        Exception last = null;
        boolean reauthenticated = false;
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            try {
                HttpRequest.Builder b = request.get();
                authorization(repository).ifPresent(a -> b.header("Authorization", a));
                attemptsMade.incrementAndGet();
                HttpResponse<T> r = http.send(b.build(), handler);
                int s = r.statusCode();
                if (s == 401 && !reauthenticated) {
                    closeBody(r);
                    reauthenticated = true;
                    authenticate(what, repository, r.headers().firstValue("WWW-Authenticate").orElse(""));
                    attempt--; // the challenge round trip is not a failed attempt
                    continue;
                }
                if (s == 401 || s == 403) {
                    closeBody(r);
                    throw new LayerSourceException(what + ": access denied (HTTP " + s + ")"
                            + (config.hasCredentials() ? " for user " + config.username() : " (anonymous: configure credentials)"), false);
                }
                if ((s >= 500 || s == 429) && attempt < config.maxAttempts()) {
                    closeBody(r);
                    last = new IOException("HTTP " + s);
                    sleep(backoff, what);
                    backoff = next(backoff);
                    continue;
                }
                downUntilNanos.set(Long.MIN_VALUE);
                return r;
            } catch (HttpConnectTimeoutException | ConnectException e) {
                last = e;
            } catch (HttpTimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LayerSourceException(what + ": interrupted", true, e);
            } catch (LayerSourceException e) {
                throw e;
            } catch (IOException e) {
                last = e;
            } catch (java.io.UncheckedIOException e) {
                throw new LayerSourceException(what + ": " + e.getCause(), false, e.getCause());
            }
            if (attempt < config.maxAttempts()) {
                sleep(backoff, what);
                backoff = next(backoff);
            }
        }
        String reason = describe(last);
        downReason = reason;
        downUntilNanos.set(System.nanoTime() + config.maxBackoff().toNanos());
        throw new LayerSourceException(what + ": registry " + config.registry() + " failed " + config.maxAttempts()
                + " attempts in " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms: " + reason
                + "; backing off for " + config.maxBackoff().toMillis() + " ms", true, last);
    }

    private static String describe(Exception e) {
        if (e == null) {
            return "unknown error";
        }
        if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
            return "connection refused (is the registry running?)";
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "no response within the timeout";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private Duration next(Duration d) {
        Duration n = d.multipliedBy(2);
        return n.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : n;
    }

    private void sleep(Duration d, String what) throws LayerSourceException {
        long ms = d.toMillis();
        long jitter = ms / 5 > 0 ? ThreadLocalRandom.current().nextLong(ms / 5) : 0;
        try {
            Thread.sleep(ms + jitter);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LayerSourceException(what + ": interrupted while backing off", true, e);
        }
    }

    private static void closeBody(HttpResponse<?> r) {
        if (r.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    private Optional<String> authorization(String repository) {
        String scheme = authSchemes.get(repository);
        if ("bearer".equals(scheme)) {
            String token = bearerTokens.get(repository);
            return token == null ? Optional.empty() : Optional.of("Bearer " + token);
        }
        if ("basic".equals(scheme) && config.hasCredentials()) {
            return Optional.of(basic());
        }
        return Optional.empty();
    }

    private String basic() {
        String up = config.username() + ":" + (config.password() == null ? "" : config.password());
        return "Basic " + Base64.getEncoder().encodeToString(up.getBytes(StandardCharsets.UTF_8));
    }

    private void authenticate(String what, String repository, String challenge) throws LayerSourceException {
        String lower = challenge.toLowerCase(Locale.ROOT);
        if (lower.startsWith("basic")) {
            if (!config.hasCredentials()) {
                throw new LayerSourceException(what + ": registry wants basic auth (HTTP 401) but no credentials are configured", false);
            }
            authSchemes.put(repository, "basic");
            return;
        }
        if (!lower.startsWith("bearer")) {
            throw new LayerSourceException(what + ": HTTP 401 with unsupported challenge '" + challenge + "'", false);
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new LayerSourceException(what + ": bearer challenge without realm: '" + challenge + "'", false);
        }
        StringBuilder q = new StringBuilder();
        if (params.containsKey("service")) {
            q.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
        }
        String scope = params.getOrDefault("scope", "repository:" + repository + ":pull");
        q.append(q.length() > 0 ? "&" : "").append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        URI tokenUri = withQuery(URI.create(realm), q.toString());
        HttpRequest.Builder b = HttpRequest.newBuilder(tokenUri).GET().timeout(config.readTimeout());
        if (config.hasCredentials()) {
            b.header("Authorization", basic());
        }
        try {
            attemptsMade.incrementAndGet();
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new LayerSourceException(what + ": token endpoint " + realm + " answered HTTP " + r.statusCode()
                        + (config.hasCredentials() ? " for user " + config.username() : " (anonymous)"), false);
            }
            Map<String, Object> doc = Json.parseObject(r.body());
            Object token = doc.containsKey("token") ? doc.get("token") : doc.get("access_token");
            if (!(token instanceof String t) || t.isEmpty()) {
                throw new LayerSourceException(what + ": token endpoint " + realm + " returned no token", false);
            }
            bearerTokens.put(repository, t);
            authSchemes.put(repository, "bearer");
        } catch (IOException e) {
            if (e instanceof LayerSourceException lse) {
                throw lse;
            }
            throw new LayerSourceException(what + ": token endpoint " + realm + " failed: " + e, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LayerSourceException(what + ": interrupted", true, e);
        } catch (IllegalArgumentException e) {
            throw new LayerSourceException(what + ": token endpoint " + realm + " sent malformed JSON: " + e.getMessage(), false, e);
        }
    }

    private URI v2(String repository, String rest) {
        return URI.create(config.registry() + "/v2/" + repository + "/" + rest);
    }

    private static String abbreviate(String s) {
        String t = s == null ? "" : s.strip();
        return t.length() <= 300 ? t : t.substring(0, 300) + "...";
    }

    /** A parsed image reference: repository plus tag or digest. */
    record Ref(String repository, String reference) {

        private static final Pattern REPO = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

        static Ref parse(String ref, URI registry) throws LayerSourceException {
            String r = ref == null ? "" : ref.trim();
            String authority = registry.getAuthority();
            if (r.startsWith(authority + "/")) {
                r = r.substring(authority.length() + 1);
            }
            String repo;
            String reference;
            int at = r.indexOf('@');
            if (at >= 0) {
                repo = r.substring(0, at);
                reference = r.substring(at + 1);
            } else {
                int colon = r.lastIndexOf(':');
                if (colon > r.lastIndexOf('/')) {
                    repo = r.substring(0, colon);
                    reference = r.substring(colon + 1);
                } else {
                    repo = r;
                    reference = "latest";
                }
            }
            if (!REPO.matcher(repo).matches() || reference.isEmpty()) {
                throw new LayerSourceException("not an image reference (want repository[:tag] or repository@digest): '" + ref + "'", false);
            }
            return new Ref(repo, reference);
        }
    }

    static boolean isInterrupted(IOException e) {
        return e instanceof InterruptedIOException;
    }
}
