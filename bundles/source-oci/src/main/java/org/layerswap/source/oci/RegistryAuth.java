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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registry authentication per repository, learnt from the {@code WWW-Authenticate} challenge of a
 * 401: anonymous until challenged; {@code Basic} sends the configured credentials; {@code Bearer}
 * fetches a token from the challenge's realm for the challenge's scope (default
 * {@code repository:<repo>:pull}) and caches it for that repository.
 * Thread-safe: the scheme and token of one repository are replaced, never half-written.
 *
 * <p><b>The realm is untrusted input</b> (the registry, or anyone in between on plain http, names it):
 * <ul>
 *   <li>it must be https; plain http only on the registry's own host when that host is loopback, or
 *       anywhere when {@link RegistrySettings#allowInsecureTokenRealm()} says so; any other scheme is
 *       refused before a request is made;</li>
 *   <li>the credentials go with the token request only when the realm's host is the registry's own or
 *       listed in {@link RegistrySettings#credentialHosts()}; elsewhere the token is asked for
 *       anonymously;</li>
 *   <li>the token endpoint's redirects are not followed, and its body is capped at
 *       {@link RegistrySettings#maxDocumentBytes()} ({@link CappedBody}).</li>
 * </ul>
 */
final class RegistryAuth {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryAuth.class);
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final RegistrySettings config;
    private final HttpClient http;
    private final AtomicLong requests;
    private final Map<String, String> bearerTokens = new ConcurrentHashMap<>();
    private final Map<String, String> authSchemes = new ConcurrentHashMap<>();

    /** @param requests counts every HTTP request sent (the token requests too) */
    RegistryAuth(RegistrySettings config, HttpClient http, AtomicLong requests) {
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
        URI tokenUri = checkedRealm(what, realm, params, repository);
        HttpRequest.Builder b = HttpRequest.newBuilder(tokenUri).GET().timeout(config.readTimeout());
        boolean withCredentials = config.hasCredentials() && config.mayReceiveCredentials(tokenUri);
        if (withCredentials) {
            b.header("Authorization", basic());
        } else if (config.hasCredentials()) {
            LOG.warn("{}: token realm {} is neither the registry's host nor in credentialHosts: asking for a token "
                    + "without the credentials", what, realm);
        }
        try {
            requests.incrementAndGet();
            HttpResponse<byte[]> r = http.send(b.build(), CappedBody.handler(tokenUri, config.maxDocumentBytes()));
            if (r.statusCode() != 200) {
                throw new LayerSourceException(what + ": token endpoint " + realm + " answered HTTP " + r.statusCode()
                        + (r.statusCode() / 100 == 3 ? " (redirects of the token endpoint are not followed)" : "")
                        + (withCredentials ? " for user " + config.username() : " (anonymous)"), false);
            }
            Map<String, Object> doc = Json.parseObject(new String(r.body(), StandardCharsets.UTF_8));
            Object token = doc.containsKey("token") ? doc.get("token") : doc.get("access_token");
            if (!(token instanceof String t) || t.isEmpty()) {
                throw new LayerSourceException(what + ": token endpoint " + realm + " returned no token", false);
            }
            bearerTokens.put(repository, t);
            authSchemes.put(repository, "bearer");
        } catch (IOException e) {
            LayerSourceException refused = RegistryTransport.refusal(e);
            if (refused != null) {
                throw new LayerSourceException(what + ": token endpoint: " + refused.getMessage(), false, refused);
            }
            throw new LayerSourceException(what + ": token endpoint " + realm + " failed: " + e, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LayerSourceException(what + ": interrupted", true, e);
        } catch (IllegalArgumentException e) {
            throw new LayerSourceException(what + ": token endpoint " + realm + " sent malformed JSON: " + e.getMessage(), false, e);
        }
    }

    /**
     * The token request's URI after the realm rules (https; http only on the loopback registry's own
     * host or when allowed by config).
     */
    private URI checkedRealm(String what, String realm, Map<String, String> params, String repository)
            throws LayerSourceException {
        URI u;
        try {
            u = tokenUri(realm, params, repository);
        } catch (IllegalArgumentException e) {
            throw new LayerSourceException(what + ": bearer realm '" + realm + "' is not a URL: " + e.getMessage(), false, e);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (u.getHost() == null || !scheme.equals("https") && !scheme.equals("http")) {
            throw new LayerSourceException(what + ": bearer realm '" + realm + "' refused: only https:// token endpoints are followed", false);
        }
        if (scheme.equals("http") && !config.allowInsecureTokenRealm() && !(sameHost(u) && isLoopback(u.getHost()))) {
            throw new LayerSourceException(what + ": bearer realm '" + realm + "' refused: plain http is allowed only on the "
                    + "registry's own loopback host (set allowInsecureTokenRealm=true to allow it anyway)", false);
        }
        return u;
    }

    private boolean sameHost(URI u) {
        return u.getHost().equalsIgnoreCase(config.registry().getHost());
    }

    /** Literal loopback addresses and {@code localhost}; no name is resolved. */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") && h.matches("127(\\.\\d{1,3}){3}") || h.equals("[::1]") || h.equals("::1");
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
