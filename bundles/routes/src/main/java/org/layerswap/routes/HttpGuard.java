package org.layerswap.routes;

import java.util.Locale;
import java.util.Objects;

import org.layerswap.api.config.SecretToken;

/**
 * Decides whether an HTTP ingest request may be read at all, from its headers only (before any body byte is read).
 * Order and codes: Host not a loopback/configured name → 421 (DNS rebinding); an Origin header that is not
 * configured → 403 (a browser page); missing/wrong {@code Authorization: Bearer} → 401 (any other local process or a
 * sandbox); a media type that is not configured → 415 (browsers' CORS "simple" types are never accepted); a declared
 * Content-Length above the cap → 413. The token is compared in constant time ({@link SecretToken}).
 */
public final class HttpGuard {

    /** Why a request is refused: status code and a message that names the rule (never echoes a credential). */
    public record Refusal(int status, String message) {
    }

    private final EdgeSettings edge;
    private final SecretToken token;

    public HttpGuard(EdgeSettings edge) {
        this.edge = Objects.requireNonNull(edge, "edge");
        this.token = SecretToken.of(edge.token(), EdgeSettings.TOKEN_NAME);
    }

    /** Null when the request may be read, else the refusal. Header values may be null (absent). */
    public Refusal check(String host, String origin, String authorization, String contentType, Long contentLength) {
        String h = hostName(host);
        if (h == null || !(EdgeSettings.LOOPBACK_HOSTS.contains(h) || edge.allowedHosts().contains(h))) {
            return new Refusal(421, "Host is not a loopback or configured name (allowedHosts)");
        }
        if (origin != null && !edge.allowedOrigins().contains(origin.trim().toLowerCase(Locale.ROOT))) {
            return new Refusal(403, "requests with an Origin header are refused (allowedOrigins)");
        }
        if (!token.admits(authorization)) {
            return new Refusal(401, "missing or wrong bearer token (Authorization: Bearer <token from the token file>)");
        }
        String type = mediaType(contentType);
        if (type == null || !edge.contentTypes().contains(type)) {
            return new Refusal(415, "Content-Type must be one of " + String.join(", ", edge.contentTypes().stream().sorted().toList()));
        }
        if (contentLength != null && contentLength > edge.maxBodyBytes()) {
            return new Refusal(413, "body of " + contentLength + " bytes exceeds maxBodyBytes " + edge.maxBodyBytes());
        }
        return null;
    }

    /** The host name of a Host header, lower case, without port; null when absent or malformed. */
    static String hostName(String host) {
        if (host == null || host.isBlank()) {
            return null;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) {
                return null;
            }
            String rest = h.substring(end + 1);
            return rest.isEmpty() || rest.matches(":\\d{1,5}") ? h.substring(0, end + 1) : null;
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            if (!h.substring(colon + 1).matches("\\d{1,5}")) {
                return null;
            }
            h = h.substring(0, colon);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** The media type without parameters, lower case; null when absent. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        String t = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return t.isEmpty() ? null : t;
    }
}
