package org.layerswap.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The cluster token: what a peer sends as {@code Authorization: Bearer <token>} and what the blob endpoint admits,
 * compared in constant time. Invariant: a token shorter than 16 characters is refused at construction, so a blank or
 * trivial token never opens the endpoint (there is no default token: it is generated per cluster, docs/cluster.md).
 */
public final class ClusterToken {

    private final byte[] token;

    public ClusterToken(String token) {
        if (token == null || token.trim().length() < 16) {
            throw new IllegalArgumentException("the cluster token must hold at least 16 characters");
        }
        this.token = token.trim().getBytes(StandardCharsets.UTF_8);
    }

    /** The header value a peer sends. */
    public String authorization() {
        return "Bearer " + new String(token, StandardCharsets.UTF_8);
    }

    /** Whether {@code authorizationHeader} carries this token. */
    public boolean admits(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }
}
