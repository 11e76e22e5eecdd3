package org.layerswap.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ClusterView;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.oci.format.OciLayoutWriter;
import org.layerswap.source.layout.OciLayoutSource;
import org.layerswap.testkit.Await;

/** Two real Hazelcast members on loopback: the directory follows each store's fetches and evictions and a member's departure. */
class ClusterDirectoryTest {

    static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path work;

    /** Connecting to the member port and the peer port through this host's other addresses is refused. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theMemberAndThePeerEndpointListenOnTheConfiguredAddressOnly() throws Exception {
        List<java.net.InetAddress> others = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(x -> !x.isLoopbackAddress() && !x.isLinkLocalAddress()).toList();
        org.junit.jupiter.api.Assumptions.assumeFalse(others.isEmpty(), "this host has no non-loopback address to probe from");
        try (LoopbackCluster c = new LoopbackCluster(work, new OciLayoutSource(work), 1)) {
            probe(c.start(0), others);
        }
    }

    private static void probe(LoopbackCluster.Node n, List<java.net.InetAddress> others) throws Exception {
        java.net.InetSocketAddress member = n.cluster().hazelcast().getCluster().getLocalMember().getSocketAddress();
        assertEquals("127.0.0.1", member.getAddress().getHostAddress());
        int peerPort = java.net.URI.create(n.cluster().peerEndpoint()).getPort();
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", peerPort), 2000); // the probe itself works
        }
        for (java.net.InetAddress x : others) {
            for (int port : new int[] {member.getPort(), peerPort}) {
                try (java.net.Socket s = new java.net.Socket()) {
                    s.connect(new java.net.InetSocketAddress(x, port), 2000);
                    throw new AssertionError("port " + port + " answers on " + x + ": it must listen on 127.0.0.1 only");
                } catch (java.net.ConnectException refused) {
                    // expected: nothing listens there
                }
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theDirectoryFollowsFetchesAndEvictionsAndForgetsAMemberThatShutsDown() throws Exception {
        OciLayoutWriter w = OciLayoutWriter.create(work.resolve("layout"));
        LayerDescriptor l = w.addLayer(t -> t.directory("app", 0755).file("app/data", 0644, Blobs.random(100_000, 5))).descriptor();
        try (LoopbackCluster c = new LoopbackCluster(work, new OciLayoutSource(w.root()), 2)) {
            LoopbackCluster.Node a = c.start(0);
            LoopbackCluster.Node b = c.start(1);
            Await.until(T, () -> a.cluster().hazelcast().getCluster().getMembers().size() == 2, "the two members joined");
            String ua = a.cluster().directory().self();
            String ub = b.cluster().directory().self();

            a.store().fetch("app", l, FetchPriority.ON_DEMAND).get(10, TimeUnit.SECONDS);
            Await.until(T, () -> b.cluster().directory().holders(l.id()).keySet().equals(Set.of(ua)), "b sees a holding the layer");
            assertEquals(a.cluster().peerEndpoint(), b.cluster().directory().holders(l.id()).get(ua));

            assertTrue(a.store().evict(l.id()));
            Await.until(T, () -> b.cluster().directory().holders(l.id()).isEmpty(), "the eviction left the directory");
            assertTrue(!a.cluster().cache().has(l.id()), "and the served blob went with it");

            b.store().fetch("app", l, FetchPriority.ON_DEMAND).get(10, TimeUnit.SECONDS);
            a.store().fetch("app", l, FetchPriority.ON_DEMAND).get(10, TimeUnit.SECONDS);
            assertEquals(1, a.cluster().status().counters().fetched(), "a got it back from b, its only holder");
            Await.until(T, () -> a.cluster().directory().holders(l.id()).keySet().equals(Set.of(ua, ub)), "both hold it");
            ClusterView.ClusterStatus st = a.cluster().status();
            assertEquals(2, st.members().size());
            assertEquals(List.of(l.id().digest()), st.members().get(1).layers());

            b.close();
            Await.until(T, () -> a.cluster().directory().holders(l.id()).keySet().equals(Set.of(ua)), "b's entry is gone");
            Await.until(T, () -> a.cluster().directory().layersByMember().equals(Map.of(ua, List.of(l.id().digest()))),
                    "b left no entry behind");
        }
    }
}
