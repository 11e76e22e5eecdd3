package org.layerswap.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

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

    /** A two-member view that places every function on u-2. */
    static final class TwoMembers implements ClusterView {
        @Override
        public ClusterStatus status() {
            return new ClusterStatus(true, "prod", "u-1", List.of(
                    new Member("u-1", "[10.0.0.1]:5701", "http://10.0.0.1:5710", true, List.of(), 140),
                    new Member("u-2", "[10.0.0.2]:5701", "http://10.0.0.2:5710", false, List.of(), 131)),
                    new PeerCounters(0, 0, 0, 0, 0, 0, 0));
        }

        @Override
        public Optional<Placement> place(String functionId) {
            return Optional.of(new Placement(functionId, "u-2", "[10.0.0.2]:5701", 2, 41, 26, 1.25));
        }
    }

    @Test
    void partitionsPerMemberAreShown() throws Exception {
        ClusterCommand c = new ClusterCommand();
        c.cluster = new TwoMembers();
        String out = Console.run(c::execute).out();
        assertTrue(out.matches("(?s).*u-1\\s*\\|.*\\|\\s*0\\s*\\|\\s*140.*"), out);
        assertTrue(out.matches("(?s).*u-2\\s*\\|.*\\|\\s*0\\s*\\|\\s*131.*"), out);
    }

    @Test
    void placeNamesTheMemberThatShouldRunAFunction() throws Exception {
        ClusterCommand c = new ClusterCommand();
        c.cluster = new TwoMembers();
        c.action = "place";
        c.function = "thumbnails";
        String out = Console.run(c::execute).out();
        assertTrue(out.startsWith("thumbnails -> [10.0.0.2]:5701 (member u-2)"), out);
        assertTrue(out.contains("2 member(s), 41 function(s), at most 26 per member (c = 1.25)"), out);
    }

    @Test
    void placeWithoutAFunctionOrAnUnknownActionIsRefusedNamingIt() {
        ClusterCommand c = new ClusterCommand();
        c.cluster = new TwoMembers();
        c.action = "place";
        assertTrue(assertThrows(IllegalArgumentException.class, c::run).getMessage().contains("place needs a function id"));
        c.action = "move";
        assertEquals("unknown action 'move'; valid: place <function> (or none for the overview)",
                assertThrows(IllegalArgumentException.class, c::run).getMessage());
    }

    @Test
    void withTheClusterOffItSaysSo() throws Exception {
        ClusterCommand c = new ClusterCommand();
        c.cluster = ClusterView.ClusterStatus::disabled;
        assertTrue(Console.run(c::execute).out().startsWith("Cluster off: a single node"));
    }
}
