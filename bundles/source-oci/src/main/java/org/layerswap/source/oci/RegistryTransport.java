package org.layerswap.source.oci;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.layerswap.api.LayerSourceException;

/**
 * HTTP to one registry: every request carries what {@link RegistryAuth} learnt for its repository,
 * a 401 is answered once by authenticating, connect failures, timeouts, 5xx and 429 are retried
 * with exponential back-off (plus up to 20 % jitter, capped at {@code maxBackoff}), and after a
 * request failed every attempt the registry counts as down for {@code maxBackoff}: requests in that
 * period fail at once, without touching the network. Any response ends the down period.
 *
 * <p><b>Redirects</b> are followed here, not by the HTTP client, and only for GET and HEAD, at most
 * {@value #MAX_REDIRECTS} hops: the target must be http(s), never a downgrade from https to http; the
 * {@code Authorization} header (basic credentials or a bearer token) goes along only when the
 * target's host is the registry's own or in {@link RegistrySettings#credentialHosts()} (a blob
 * redirected to a CDN is fetched without it). The bodies of redirects and 401s are discarded unread
 * into memory.
 */
final class RegistryTransport {

    static final int MAX_REDIRECTS = 5;

    private final RegistrySettings config;
    private final HttpClient http;
    private final AtomicLong attemptsMade = new AtomicLong();
    private final RegistryAuth auth;
    private final AtomicLong downUntilNanos = new AtomicLong(Long.MIN_VALUE);
    private volatile String downReason = "";

    RegistryTransport(RegistrySettings config) {
        this.config = config;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.auth = new RegistryAuth(config, http, attemptsMade);
    }

    RegistrySettings config() {
        return config;
    }

    /** HTTP requests sent so far (each attempt counts, token requests too). */
    long attempts() {
        return attemptsMade.get();
    }

    /** {@code <registry>/v2/<repository>/<rest>}. */
    URI v2(String repository, String rest) {
        return URI.create(config.registry() + "/v2/" + repository + "/" + rest);
    }

    /**
     * Sends with auth and bounded retries. Retries connect failures, timeouts, 5xx and 429 with
     * exponential back-off; answers 401 once by authenticating as the challenge asks. The last
     * attempt's 5xx/429 response is returned to the caller, whose status check names it.
     *
     * @param what    names the request in error messages
     * @param request a fresh builder per attempt
     */
    <T> HttpResponse<T> send(String what, String repository, Supplier<HttpRequest.Builder> request,
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
        HttpResponse.BodyHandler<T> bodies = info -> isRedirect(info.statusCode()) || info.statusCode() == 401
                ? HttpResponse.BodySubscribers.replacing(null) : handler.apply(info);
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            try {
                HttpRequest.Builder b = request.get();
                auth.authorization(repository).ifPresent(a -> b.header("Authorization", a));
                attemptsMade.incrementAndGet();
                HttpRequest req = b.build();
                HttpResponse<T> r = http.send(req, bodies);
                for (int hops = 0; isRedirect(r.statusCode()) && followable(req); hops++) {
                    if (hops == MAX_REDIRECTS) {
                        throw new LayerSourceException(what + ": more than " + MAX_REDIRECTS + " redirects, last to "
                                + r.headers().firstValue("Location").orElse("?"), false);
                    }
                    req = redirected(what, req, r);
                    attemptsMade.incrementAndGet();
                    r = http.send(req, bodies);
                }
                int s = r.statusCode();
                if (s == 401 && !reauthenticated) {
                    closeBody(r);
                    reauthenticated = true;
                    auth.authenticate(what, repository, r.headers().firstValue("WWW-Authenticate").orElse(""));
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
                LayerSourceException refused = refusal(e);
                if (refused != null) {
                    throw new LayerSourceException(what + ": " + refused.getMessage(), false, refused);
                }
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

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean followable(HttpRequest req) {
        return req.method().equals("GET") || req.method().equals("HEAD");
    }

    /** The request repeated at the redirect's target; Authorization only for hosts trusted with it. */
    private HttpRequest redirected(String what, HttpRequest req, HttpResponse<?> r) throws LayerSourceException {
        String location = r.headers().firstValue("Location").orElseThrow(() ->
                new LayerSourceException(what + ": HTTP " + r.statusCode() + " redirect without Location from " + req.uri(), false));
        URI target;
        try {
            target = req.uri().resolve(location.strip());
        } catch (IllegalArgumentException e) {
            throw new LayerSourceException(what + ": redirect from " + req.uri() + " to malformed '" + location + "'", false, e);
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (target.getHost() == null || !scheme.equals("http") && !scheme.equals("https")) {
            throw new LayerSourceException(what + ": redirect from " + req.uri() + " to '" + location
                    + "' refused: only http(s) targets are followed", false);
        }
        if (scheme.equals("http") && "https".equalsIgnoreCase(req.uri().getScheme())) {
            throw new LayerSourceException(what + ": redirect from " + req.uri() + " to " + target
                    + " refused: downgrade from https to http", false);
        }
        boolean keepAuth = config.mayReceiveCredentials(target);
        return HttpRequest.newBuilder(req, (name, value) -> keepAuth || !name.equalsIgnoreCase("Authorization"))
                .uri(target).build();
    }

    /** The refusal (a non-retryable {@link LayerSourceException}, e.g. a capped body) behind an I/O error, or null. */
    static LayerSourceException refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LayerSourceException lse && !lse.retryable()) {
                return lse;
            }
        }
        return null;
    }

    /** Throws unless the status is 200: 404 as "not found", 5xx and 429 as retryable. */
    static void requireOk(HttpResponse<byte[]> r, String what) throws LayerSourceException {
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

    /** At most 300 characters of a response body for an error message. */
    static String abbreviate(String s) {
        String t = s == null ? "" : s.strip();
        return t.length() <= 300 ? t : t.substring(0, 300) + "...";
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
}
