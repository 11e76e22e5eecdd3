package org.layerswap.routes;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import org.layerswap.api.config.SecretToken;

/**
 * The ingest edge's rules (config PID {@code org.layerswap.routes}, see {@code etc/org.layerswap.routes.cfg}).
 *
 * @param token               the bearer token every HTTP request must carry ({@code Authorization: Bearer <token>}); never
 *                            blank, at least {@value SecretToken#MIN_CHARS} characters (the DS adapter reads or generates it, see
 *                            {@link SecretToken#loadOrCreate})
 * @param allowedHosts        Host header names accepted besides the loopback names ({@code 127.0.0.1}, {@code localhost},
 *                            {@code [::1]}), lower case, without port
 * @param allowedOrigins      Origin header values accepted; any other present Origin is refused (browsers send one)
 * @param contentTypes        accepted request media types (lower case, no parameters); never a CORS "simple" type
 * @param maxBodyBytes        request body cap in bytes (413 beyond; counted while streaming, not only Content-Length)
 * @param maxLineChars        characters of one line kept while streaming; a longer line is dead-lettered, not buffered
 * @param maxFunctionIdChars  longest function id accepted
 * @param maxTenantChars      longest tenant accepted
 * @param maxParams           most parameters per event
 * @param maxParamChars       longest parameter key or value
 * @param maxFutureSkewMillis how far past the clock a timestamp may lie before the event is refused
 */
public record EdgeSettings(String token, Set<String> allowedHosts, Set<String> allowedOrigins, Set<String> contentTypes,
                           long maxBodyBytes, int maxLineChars, int maxFunctionIdChars, int maxTenantChars, int maxParams,
                           int maxParamChars, long maxFutureSkewMillis) {

    /** How errors name the token. */
    public static final String TOKEN_NAME = "ingest token";
    public static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");
    /** The media types a browser can send cross-origin without a preflight: never accepted. */
    static final Set<String> SIMPLE_TYPES = Set.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data");
    public static final String DEFAULT_CONTENT_TYPES = "application/json,application/x-ndjson";
    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;
    public static final int DEFAULT_MAX_LINE_CHARS = 65_536;
    public static final int DEFAULT_MAX_FUNCTION_ID_CHARS = 256;
    public static final int DEFAULT_MAX_TENANT_CHARS = 256;
    public static final int DEFAULT_MAX_PARAMS = 32;
    public static final int DEFAULT_MAX_PARAM_CHARS = 1024;
    public static final long DEFAULT_MAX_FUTURE_SKEW_SECONDS = 300;

    public EdgeSettings {
        SecretToken.of(token, TOKEN_NAME); // refuses a blank or short token
        allowedHosts = Set.copyOf(allowedHosts);
        allowedOrigins = Set.copyOf(allowedOrigins);
        contentTypes = Set.copyOf(contentTypes);
        if (contentTypes.isEmpty()) {
            throw new IllegalArgumentException("contentTypes must name at least one media type");
        }
        for (String t : contentTypes) {
            if (SIMPLE_TYPES.contains(t)) {
                throw new IllegalArgumentException("contentTypes must not contain '" + t
                        + "': a browser page can send it cross-origin without a preflight");
            }
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes " + maxBodyBytes + " must be at least 1024");
        }
        if (maxLineChars < 256 || maxFunctionIdChars < 1 || maxTenantChars < 1 || maxParams < 0 || maxParamChars < 1) {
            throw new IllegalArgumentException("edge limits out of range: maxLineChars=" + maxLineChars + " (>= 256), maxFunctionIdChars="
                    + maxFunctionIdChars + ", maxTenantChars=" + maxTenantChars + ", maxParamChars=" + maxParamChars
                    + " (>= 1), maxParams=" + maxParams + " (>= 0)");
        }
        if (maxFutureSkewMillis < 0) {
            throw new IllegalArgumentException("maxFutureSkewSeconds must be >= 0, got " + maxFutureSkewMillis / 1000);
        }
    }

    /** The defaults with {@code token}. */
    public static EdgeSettings defaults(String token) {
        return new EdgeSettings(token, Set.of(), Set.of(), list(DEFAULT_CONTENT_TYPES), DEFAULT_MAX_BODY_BYTES,
                DEFAULT_MAX_LINE_CHARS, DEFAULT_MAX_FUNCTION_ID_CHARS, DEFAULT_MAX_TENANT_CHARS, DEFAULT_MAX_PARAMS,
                DEFAULT_MAX_PARAM_CHARS, DEFAULT_MAX_FUTURE_SKEW_SECONDS * 1000);
    }

    public EdgeSettings withMaxBodyBytes(long bytes) {
        return new EdgeSettings(token, allowedHosts, allowedOrigins, contentTypes, bytes, maxLineChars, maxFunctionIdChars,
                maxTenantChars, maxParams, maxParamChars, maxFutureSkewMillis);
    }

    /** A comma-separated list as a lower-case set; blanks dropped. */
    public static Set<String> list(String csv) {
        Set<String> s = new LinkedHashSet<>();
        if (csv != null) {
            for (String v : csv.split(",")) {
                if (!v.isBlank()) {
                    s.add(v.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return s;
    }
}
