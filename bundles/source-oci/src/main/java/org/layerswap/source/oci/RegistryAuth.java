package org.layerswap.source.oci;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.layerswap.api.LayerSourceException;
import org.layerswap.oci.format.Json;

/**
 * Registry authentication per repository, learnt from the {@code WWW-Authenticate} challenge of a
 * 401: anonymous until challenged; {@code Basic} sends the configured credentials; {@code Bearer}
 * fetches a token from the challenge's realm (with the credentials, when configured) for the
 * challenge's scope (default {@code repository:<repo>:pull}) and caches it for that repository.
 * Thread-safe: the scheme and token of one repository are replaced, never half-written.
 */
final class RegistryAuth {

    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final RegistryConfig config;
    private final HttpClient http;
    private final AtomicLong requests;
    private final Map<String, String> bearerTokens = new ConcurrentHashMap<>();
    private final Map<String, String> authSchemes = new ConcurrentHashMap<>();

    /** @param requests counts every HTTP request sent (the token requests too) */
    RegistryAuth(RegistryConfig config, HttpClient http, AtomicLong requests) {
        this.config = config;
        this.http = http;
        this.requests = requests;
    }

    /** The {@code Authorization} header value for a request to {@code repository}, if one was learnt. */
    Optional<String> authorization(String repository) {
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

    /**
     * Answers a 401's {@code challenge} for {@code repository}: afterwards {@link #authorization}
     * carries what the registry asked for.
     *
     * @param what names the request for error messages
     * @throws LayerSourceException when the challenge cannot be met (no credentials for basic, an
     *                              unsupported scheme, no realm, a token endpoint that refuses)
     */
    void authenticate(String what, String repository, String challenge) throws LayerSourceException {
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
        Map<String, String> params = challengeParameters(challenge);
        String realm = params.get("realm");
        if (realm == null) {
            throw new LayerSourceException(what + ": bearer challenge without realm: '" + challenge + "'", false);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(tokenUri(realm, params, repository)).GET().timeout(config.readTimeout());
        if (config.hasCredentials()) {
            b.header("Authorization", basic());
        }
        try {
            requests.incrementAndGet();
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

    /** The {@code name="value"} parameters of a challenge, names lower-cased. */
    static Map<String, String> challengeParameters(String challenge) {
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        return params;
    }

    /** The token request: the realm with {@code service} (when given) and {@code scope} as query parameters. */
    static URI tokenUri(String realm, Map<String, String> params, String repository) {
        StringBuilder q = new StringBuilder();
        if (params.containsKey("service")) {
            q.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
        }
        String scope = params.getOrDefault("scope", "repository:" + repository + ":pull");
        q.append(q.length() > 0 ? "&" : "").append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        return withQuery(URI.create(realm), q.toString());
    }

    /** {@code u} with {@code q} appended to its query (or as its query). */
    static URI withQuery(URI u, String q) {
        String s = u.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + q);
    }

    private String basic() {
        String up = config.username() + ":" + (config.password() == null ? "" : config.password());
        return "Basic " + Base64.getEncoder().encodeToString(up.getBytes(StandardCharsets.UTF_8));
    }
}
