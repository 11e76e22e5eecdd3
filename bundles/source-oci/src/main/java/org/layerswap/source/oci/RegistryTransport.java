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
 */
final class RegistryTransport {

    private final RegistryConfig config;
    private final HttpClient http;
    private final AtomicLong attemptsMade = new AtomicLong();
    private final RegistryAuth auth;
    private final AtomicLong downUntilNanos = new AtomicLong(Long.MIN_VALUE);
    private volatile String downReason = "";

    RegistryTransport(RegistryConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.auth = new RegistryAuth(config, http, attemptsMade);
    }

    RegistryConfig config() {
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
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            try {
                HttpRequest.Builder b = request.get();
                auth.authorization(repository).ifPresent(a -> b.header("Authorization", a));
                attemptsMade.incrementAndGet();
                HttpResponse<T> r = http.send(b.build(), handler);
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
