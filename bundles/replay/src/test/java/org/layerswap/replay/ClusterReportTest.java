package org.layerswap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterReportTest {

    static ClusterResult result(String policy, int nodes, boolean peer, double registryBytes, long peerServed) {
        ClusterSpec spec = new ClusterSpec(nodes, ClusterPlacement.RANDOM, peer, PeerLink.defaults(), 0.25, 1);
        return new ClusterResult(policy, spec, 1000, 40, registryBytes, 5e9, 30, 900, 2500, peerServed,
                peerServed == 0 ? Double.NaN : 300, peerServed == 0 ? Double.NaN : 1100, 1.25, List.of(), 1);
    }

    @Test
    void egressIsComparedWithTheSamePolicysSingleNode() {
        String md = ClusterReport.markdown(List.of(result("lru", 1, true, 100e9, 0), result("lru", 8, true, 110e9, 10),
                result("gdsf", 8, false, 300e9, 0)));
        List<String> rows = md.lines().toList();
        assertEquals(5, rows.size(), md);
        assertEquals("| lru | 1 | — | — | 4.00% | 100.00 | 1.00x | 5.00 | 30, 900 / 2500 | 0, — / — | 1.25 |", rows.get(2));
        assertEquals("| lru | 8 | random | on | 4.00% | 110.00 | 1.10x | 5.00 | 30, 900 / 2500 | 10, 300 / 1100 | 1.25 |", rows.get(3));
        assertTrue(rows.get(4).contains("| 300.00 | n/a |"), "no single-node row for gdsf: " + rows.get(4));
    }

    @Test
    void aClusterSpecRefusesImpossibleSettingsAndLabelsItself() {
        assertEquals("8 nodes, hash, peer cache off",
                new ClusterSpec(8, ClusterPlacement.HASH, false, PeerLink.defaults(), 0.25, 1).label());
        assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(0, ClusterPlacement.HASH, true, PeerLink.defaults(), 0.25, 1));
        assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(2, null, true, PeerLink.defaults(), 0.25, 1));
        assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(2, ClusterPlacement.HASH, true, PeerLink.defaults(), -1, 1));
    }
}
