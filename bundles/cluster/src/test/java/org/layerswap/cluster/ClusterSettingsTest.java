package org.layerswap.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

    static ClusterSettings with(String bind, List<String> members, int port, int peerPort) {
        ClusterSettings d = ClusterSettings.DEFAULT;
        return new ClusterSettings(true, d.clusterName(), members, bind, port, peerPort, d.backupCount(), d.tokenFile(), d.blobDir(),
                d.peerWaitSeconds(), d.transferAttempts(), d.peerTimeoutSeconds(), d.placementLoadFactor(), d.profileFlushMillis());
    }

    @Test
    void aPlacementBoundOfOneOrLessAndAnOutOfRangeFlushAreRefusedNamingTheKey() {
        ClusterSettings d = ClusterSettings.DEFAULT;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ClusterSettings(true, d.clusterName(), List.of(), "127.0.0.1",
                5701, 5710, 1, d.tokenFile(), d.blobDir(), 1, 1, 1, 1.0, 500)).getMessage().startsWith("placementLoadFactor must be"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ClusterSettings(true, d.clusterName(), List.of(), "127.0.0.1",
                5701, 5710, 1, d.tokenFile(), d.blobDir(), 1, 1, 1, 1.25, 10)).getMessage().startsWith("profileFlushMillis must be"));
    }

    @Test
    void theClusterIsOffByDefaultAndBindsToLoopback() {
        assertFalse(ClusterSettings.DEFAULT.enabled());
        assertEquals("127.0.0.1", ClusterSettings.DEFAULT.bindAddress());
        assertTrue(ClusterSettings.DEFAULT.members().isEmpty());
    }

    @Test
    void aWildcardOrAHostNameAsBindAddressIsRefusedNamingTheKey() {
        for (String bad : List.of("0.0.0.0", "::", "localhost", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with(bad, List.of(), 5701, 5710));
            assertTrue(e.getMessage().startsWith("bindAddress"), e.getMessage());
        }
        assertEquals("10.0.0.7", with("10.0.0.7", List.of(), 5701, 5710).bindAddress());
    }

    @Test
    void aJoinListEntryWithoutAPortOrWithABadPortIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> with("127.0.0.1", List.of("10.0.0.2"), 5701, 5710))
                .getMessage().contains("'10.0.0.2' is not host:port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> with("127.0.0.1", List.of("10.0.0.2:x"), 5701, 5710))
                .getMessage().contains("no numeric port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> with("127.0.0.1", List.of("10.0.0.2:70000"), 5701, 5710))
                .getMessage().contains("1..65535"));
    }

    @Test
    void theMemberAndPeerPortsMustDiffer() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> with("127.0.0.1", List.of(), 5701, 5701))
                .getMessage().contains("must differ"));
    }

    @Test
    void aJoinListIsReadFromCommasOrSpaces() {
        assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701", "10.0.0.3:5701"),
                ClusterSettings.parseMembers(" 10.0.0.1:5701,10.0.0.2:5701  10.0.0.3:5701 "));
        assertEquals(List.of(), ClusterSettings.parseMembers("  "));
    }
}
