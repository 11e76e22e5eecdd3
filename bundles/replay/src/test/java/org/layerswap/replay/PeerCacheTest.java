package org.layerswap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PeerCacheTest {

    static final PeerLink LAN = new PeerLink(1e9, 0.2);

    @Test
    void aLayerIsServedByTheEarliestReadyOtherHolderNeverByItself() {
        PeerCache c = new PeerCache(3, 4, true, LAN);
        LayerExchange n0 = c.node(0);
        LayerExchange n1 = c.node(1);
        LayerExchange n2 = c.node(2);
        n0.held(2, 500);
        assertTrue(Double.isNaN(n0.peerReadyAt(2, 600)), "its own copy is no peer");
        assertEquals(500, n1.peerReadyAt(2, 600));
        n2.held(2, 300);
        assertEquals(300, n1.peerReadyAt(2, 600));
        n2.dropped(2);
        assertEquals(500, n1.peerReadyAt(2, 600));
        assertFalse(c.holds(2, 2));
        n0.dropped(2);
        assertTrue(Double.isNaN(n1.peerReadyAt(2, 600)));
        assertTrue(Double.isNaN(n1.peerReadyAt(3, 600)), "never held");
    }

    @Test
    void withThePeerCacheOffEveryLayerComesFromTheRegistry() {
        PeerCache c = new PeerCache(2, 1, false, LAN);
        c.node(0).held(0, 0);
        assertTrue(c.holds(0, 0));
        assertTrue(Double.isNaN(c.node(1).peerReadyAt(0, 10)));
    }

    /** 100 MB at 1 GB/s = 100 ms after the 0.2 ms RTT; a second batch queues behind it; a layer not yet ready is waited for. */
    @Test
    void peerBatchesShareTheNodesLanLinkAndWaitForThePeersCopy() {
        LayerExchange n = new PeerCache(2, 1, true, LAN).node(1);
        assertEquals(100.2, n.peerBatchEnd(0, 100e6, -1), 1e-9);
        assertEquals(150.2, n.peerBatchEnd(50, 50e6, 0), 1e-9, "starts when the first batch ends");
        assertEquals(1010, n.peerBatchEnd(500, 10e6, 1000), 1e-9, "starts when the peer has the layer");
        assertEquals(10.2, n.peerPrefetchMillis(10e6), 1e-9);
    }

    @Test
    void bytesAndStallsAreCountedOnceBySource() {
        PeerCache c = new PeerCache(2, 1, true, LAN);
        c.node(0).fetched(100, false);
        c.node(1).fetched(40, true);
        c.node(1).fetched(60, false);
        assertEquals(160, c.registryBytes());
        assertEquals(40, c.peerBytes());
        assertEquals(60, c.registryBytes(1));
        c.node(0).served(1000, false);
        for (int i = 1; i <= 20; i++) {
            c.node(1).served(i, true);
        }
        assertEquals(1, c.registryServed().count());
        assertEquals(20, c.peerServed().count());
        assertEquals(10.5, c.peerServed().mean(), 1e-9);
        assertEquals(19, c.peerServed().percentile(0.95), 1e-9);
        assertTrue(Double.isNaN(new PeerCache.Stalls().percentile(0.5)));
    }

    @Test
    void badSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PeerCache(65, 1, true, LAN));
        assertThrows(IllegalArgumentException.class, () -> new PeerCache(2, 1, true, LAN).node(2));
        assertThrows(IllegalArgumentException.class, () -> new PeerLink(0, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new PeerLink(1e9, -1));
    }
}
