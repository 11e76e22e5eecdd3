package org.layerswap.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClusterTokenTest {

    @Test
    void onlyTheExactBearerTokenIsAdmitted() {
        ClusterToken t = new ClusterToken("0123456789abcdef-token");
        assertTrue(t.admits("Bearer 0123456789abcdef-token"));
        assertTrue(t.admits("bearer 0123456789abcdef-token "));
        assertFalse(t.admits(null));
        assertFalse(t.admits("Bearer 0123456789abcdef-toke"));
        assertFalse(t.admits("Basic 0123456789abcdef-token"));
        assertEquals("Bearer 0123456789abcdef-token", t.authorization());
    }

    @Test
    void aBlankOrShortTokenIsRefusedSoTheEndpointNeverOpensByMistake() {
        assertThrows(IllegalArgumentException.class, () -> new ClusterToken(null));
        assertThrows(IllegalArgumentException.class, () -> new ClusterToken("   "));
        assertThrows(IllegalArgumentException.class, () -> new ClusterToken("short"));
    }
}
