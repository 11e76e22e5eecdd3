package org.layerswap.metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks a scrape request's {@code Authorization} header against the scrape token: {@code Bearer <token>} (what
 * Prometheus sends with {@code authorization: credentials_file}), compared in constant time. Invariant: a blank
 * token admits nobody, so a misconfiguration never opens the endpoint.
 */
public final class ScrapeAuth {

    private volatile byte[] token;

    public ScrapeAuth(String token) {
        setToken(token);
    }

    public void setToken(String token) {
        this.token = token == null || token.isBlank() ? new byte[0] : token.trim().getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code authorizationHeader} carries the scrape token. */
    public boolean admits(String authorizationHeader) {
        byte[] expected = token;
        if (expected.length == 0 || authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, given);
    }
}
