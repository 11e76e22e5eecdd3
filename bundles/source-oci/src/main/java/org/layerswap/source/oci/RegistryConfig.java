package org.layerswap.source.oci;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

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
 */
public record RegistryConfig(URI registry, String username, String password, Duration connectTimeout,
                             Duration readTimeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                             String os, String architecture) {

    public RegistryConfig {
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
    }

    /** Anonymous access with default timeouts (5 s connect, 30 s read inactivity, 4 attempts). */
    public static RegistryConfig of(String url) {
        return new RegistryConfig(URI.create(url), null, null, Duration.ofSeconds(5), Duration.ofSeconds(30), 4,
                Duration.ofMillis(200), Duration.ofSeconds(10), "linux", "amd64");
    }

    public RegistryConfig withCredentials(String user, String pass) {
        return new RegistryConfig(registry, user, pass, connectTimeout, readTimeout, maxAttempts, initialBackoff, maxBackoff, os, architecture);
    }

    public RegistryConfig withTimeouts(Duration connect, Duration read) {
        return new RegistryConfig(registry, username, password, connect, read, maxAttempts, initialBackoff, maxBackoff, os, architecture);
    }

    public RegistryConfig withRetries(int attempts, Duration initial, Duration max) {
        return new RegistryConfig(registry, username, password, connectTimeout, readTimeout, attempts, initial, max, os, architecture);
    }

    boolean hasCredentials() {
        return username != null && !username.isBlank();
    }

    private static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }
}
