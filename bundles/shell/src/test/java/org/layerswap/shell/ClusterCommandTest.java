package org.layerswap.shell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerswap.api.ClusterView;

class ClusterCommandTest {

    @Test
    void membersLayersPerNodeAndPeerCountersAreShown() throws Exception {
        ClusterCommand c = new ClusterCommand();
        c.cluster = () -> new ClusterView.ClusterStatus(true, "prod", "u-1", List.of(
                new ClusterView.Member("u-1", "[10.0.0.1]:5701", "http://10.0.0.1:5710", true, List.of("sha256:aa", "sha256:bb")),
                new ClusterView.Member("u-2", "[10.0.0.2]:5701", "http://10.0.0.2:5710", false, List.of("sha256:aa"))),
                new ClusterView.PeerCounters(5, 4, 1, 2, 3, 1, 6));
        String out = Console.run(c::execute).out();
        assertTrue(out.contains("Cluster prod: 2 member(s); this node is u-1"), out);
        assertTrue(out.matches("(?s).*\\*\\s*\\|\\s*u-1\\s*\\|\\s*\\[10.0.0.1\\]:5701\\s*\\|\\s*http://10.0.0.1:5710\\s*\\|\\s*2.*"), out);
        assertTrue(out.contains("u-1 (this node) | sha256:bb"), out);
        assertTrue(out.contains("u-2             | sha256:aa"), out);
        assertTrue(out.matches("(?s).*5\\s*\\|\\s*4\\s*\\|\\s*1\\s*\\|\\s*2\\s*\\|\\s*3\\s*\\|\\s*1\\s*\\|\\s*6.*"), out);
    }

    @Test
    void withTheClusterOffItSaysSo() throws Exception {
        ClusterCommand c = new ClusterCommand();
        c.cluster = ClusterView.ClusterStatus::disabled;
        assertTrue(Console.run(c::execute).out().startsWith("Cluster off: a single node"));
    }
}
