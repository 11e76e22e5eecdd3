package org.layerswap.source.oci;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings of a {@link RegistryClient}.
 *
 * @param registry        base URL, e.g. {@code http://127.0.0.1:5000} or {@code https://registry.example}
 * @param username        user for basic auth or for the token endpoint; null/blank for anonymous
 * @param password        its password
 * @param connectTimeout  TCP connect (and response-header) timeout
 * @param readTimeout     longest time a blob download may go without receiving a byte
 * @param maxAttempts     attempts per request (connect errors, timeouts, 5xx, 429) before giving up
 * @param initialBackoff  first delay between attempts; doubled each time up to {@code maxBackoff}
 * @param maxBackoff      cap of the delay, and how long a registry that failed every attempt is
 *                        reported down without being contacted
 * @param os              platform chosen from image indexes
 * @param architecture    platform chosen from image indexes
 * @param credentialHosts hosts other than the registry's own that may receive the credentials (a
 *                        token realm or a redirect target there gets them); lower-cased; empty: none
 * @param allowInsecureTokenRealm true: a bearer realm may be plain http on any host (testing only);
 *                        false: https, or http only on the registry's own host when that is loopback
 * @param maxDocumentBytes largest manifest, index, config blob or token response accepted; larger
 *                        bodies are refused while streaming, never buffered beyond this
 */
public record RegistrySettings(URI registry, String username, String password, Duration connectTimeout,
                             Duration readTimeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                             String os, String architecture, Set<String> credentialHosts,
                             boolean allowInsecureTokenRealm, long maxDocumentBytes) {

    /** Default of {@link #maxDocumentBytes}: 4 MiB, as the distribution spec's manifest limit. */
    public static final long DEFAULT_MAX_DOCUMENT_BYTES = 4L << 20;

    public RegistrySettings {
        Objects.requireNonNull(registry, "registry URL");
        String scheme = registry.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || registry.getHost() == null) {
            throw new IllegalArgumentException("registry URL must be http(s)://host[:port], got '" + registry + "'");
        }
        String s = registry.toString();
        if (s.endsWith("/")) {
            registry = URI.create(s.substring(0, s.length() - 1));
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        connectTimeout = positive(connectTimeout, "connectTimeout");
        readTimeout = positive(readTimeout, "readTimeout");
        initialBackoff = Objects.requireNonNullElse(initialBackoff, Duration.ofMillis(200));
        maxBackoff = Objects.requireNonNullElse(maxBackoff, Duration.ofSeconds(10));
        os = os == null || os.isBlank() ? "linux" : os;
        architecture = architecture == null || architecture.isBlank() ? "amd64" : architecture;
        credentialHosts = credentialHosts == null ? Set.of() : credentialHosts.stream().map(String::strip)
                .filter(h -> !h.isEmpty()).map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        if (maxDocumentBytes < 1024) {
            throw new IllegalArgumentException("maxDocumentBytes must be >= 1024, got " + maxDocumentBytes);
        }
    }

    /** The old ten-argument form: no extra credential hosts, no insecure realm, 4 MiB documents. */
    public RegistrySettings(URI registry, String username, String password, Duration connectTimeout,
                          Duration readTimeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                          String os, String architecture) {
        this(registry, username, password, connectTimeout, readTimeout, maxAttempts, initialBackoff, maxBackoff, os,
                architecture, Set.of(), false, DEFAULT_MAX_DOCUMENT_BYTES);
    }

    /** Anonymous access with default timeouts (5 s connect, 30 s read inactivity, 4 attempts). */
    public static RegistrySettings of(String url) {
        return new RegistrySettings(URI.create(url), null, null, Duration.ofSeconds(5), Duration.ofSeconds(30), 4,
                Duration.ofMillis(200), Duration.ofSeconds(10), "linux", "amd64");
    }

    public RegistrySettings withCredentials(String user, String pass) {
        return new RegistrySettings(registry, user, pass, connectTimeout, readTimeout, maxAttempts, initialBackoff, maxBackoff,
                os, architecture, credentialHosts, allowInsecureTokenRealm, maxDocumentBytes);
    }

    public RegistrySettings withTimeouts(Duration connect, Duration read) {
        return new RegistrySettings(registry, username, password, connect, read, maxAttempts, initialBackoff, maxBackoff,
                os, architecture, credentialHosts, allowInsecureTokenRealm, maxDocumentBytes);
    }

    public RegistrySettings withRetries(int attempts, Duration initial, Duration max) {
        return new RegistrySettings(registry, username, password, connectTimeout, readTimeout, attempts, initial, max,
                os, architecture, credentialHosts, allowInsecureTokenRealm, maxDocumentBytes);
    }

    /** Which other hosts may receive the credentials, whether an http realm is allowed, the document cap. */
    public RegistrySettings withTrust(Set<String> hosts, boolean insecureTokenRealm, long maxDocument) {
        return new RegistrySettings(registry, username, password, connectTimeout, readTimeout, maxAttempts, initialBackoff,
                maxBackoff, os, architecture, hosts, insecureTokenRealm, maxDocument);
    }

    boolean hasCredentials() {
        return username != null && !username.isBlank();
    }

    /**
     * True when a request to {@code uri} may carry the registry credentials (or a token learnt with
     * them): its host is the registry's own (any port) or listed in {@link #credentialHosts}.
     */
    boolean mayReceiveCredentials(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals(registry.getHost().toLowerCase(Locale.ROOT)) || credentialHosts.contains(h);
    }

    /** The password is never printed. */
    @Override
    public String toString() {
        return "RegistrySettings[registry=" + registry + ", username=" + username + ", password="
                + (password == null || password.isEmpty() ? "" : "***") + ", connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + ", maxAttempts=" + maxAttempts + ", credentialHosts=" + credentialHosts
                + ", allowInsecureTokenRealm=" + allowInsecureTokenRealm + ", maxDocumentBytes=" + maxDocumentBytes + "]";
    }

    private static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }
}
