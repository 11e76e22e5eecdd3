package org.layerswap.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.cluster.BoundedLoadPlacement;

/** {@link ClusterPlacement} on real Hazelcast members on 127.0.0.1 ({@link ProfileCluster}). */
class ClusterPlacementTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    /** Each live member's local functions among {@code functions}, checked against {@code place} on every member. */
    private static Map<String, Set<String>> localByMember(ProfileCluster c, List<String> functions) {
        Map<String, Set<String>> out = new HashMap<>();
        for (ProfileCluster.Member m : c.members) {
            if (m == null) {
                continue;
            }
            ClusterPlacement p = m.node().placement();
            Set<String> local = p.localOf(functions);
            for (String f : functions) {
                var placed = m.node().place(f).orElseThrow();
                assertEquals(placed.memberUuid().equals(m.uuid()), p.isLocal(f), f + " on " + m.uuid());
                assertEquals(local.contains(f), p.isLocal(f), "localOf answers " + f + " as isLocal does");
                assertEquals(placed.address(), p.nodeOf(f));
            }
            out.put(m.uuid(), local);
        }
        return out;
    }

    private static void assertPartition(Map<String, Set<String>> local, List<String> functions) {
        Set<String> all = new HashSet<>();
        for (Set<String> s : local.values()) {
            for (String f : s) {
                assertTrue(all.add(f), f + " is local on two members");
            }
        }
        assertEquals(Set.copyOf(functions), all, "every function is local on exactly one member");
    }

    @Test
    @Timeout(value = 45, unit = TimeUnit.SECONDS)
    void everyFunctionIsLocalOnExactlyTheMemberPlaceNamesAndTheDepartedMembersFunctionsMoveToTheSurvivors() throws Exception {
        try (ProfileCluster c = new ProfileCluster(dir, 3)) {
            for (int i = 0; i < 3; i++) {
                c.start(i);
            }
            c.awaitStable(3);
            List<String> functions = new ArrayList<>();
            for (int k = 0; k < 30; k++) {
                functions.add("fn-" + k);
                c.members[k % 3].node().profiles().ingest(InvocationEvent.of("fn-" + k, 9_000_000L));
            }
            c.await("every member knows the 30 functions", WAIT, () -> List.of(c.members).stream()
                    .allMatch(m -> m.node().profiles().knownFunctions().equals(Set.copyOf(functions))));
            Map<String, Set<String>> before = localByMember(c, functions);
            assertPartition(before, functions);
            int cap = new BoundedLoadPlacement(List.of("a", "b", "c"), 1.25).capacity(30);
            before.values().forEach(s -> assertTrue(s.size() <= cap, "at most the capacity " + cap + ": " + s.size()));
            String leaving = c.members[2].uuid();
            Set<String> orphaned = before.get(leaving);
            assertFalse(orphaned.isEmpty(), "the member about to leave runs some of the 30 functions");
            assertFalse(c.members[0].node().placement().localOf(orphaned).stream().anyMatch(orphaned::contains));

            c.terminate(2);
            c.await("the survivors see two members and still know the 30 functions", WAIT, () -> {
                for (int i = 0; i < 2; i++) {
                    if (c.members[i].node().hazelcast().getCluster().getMembers().size() != 2
                            || !c.members[i].node().profiles().knownFunctions().equals(Set.copyOf(functions))) {
                        return false;
                    }
                }
                return true;
            });
            Map<String, Set<String>> after = localByMember(c, functions);
            assertPartition(after, functions);
            Set<String> takenOver = new HashSet<>(c.members[0].node().placement().localOf(orphaned));
            takenOver.addAll(c.members[1].node().placement().localOf(orphaned));
            assertEquals(orphaned, takenOver, "the departed member's functions are local on a survivor now");
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aFunctionNoEstimateNamesYetIsPlacedAsPlaceWouldAndALoneMemberRunsEverything() throws Exception {
        try (ProfileCluster c = new ProfileCluster(dir, 1)) {
            c.start(0);
            c.awaitStable(1);
            ClusterPlacement p = c.members[0].node().placement();
            assertTrue(p.isLocal("never-seen"));
            assertEquals(Set.of("a", "b"), p.localOf(List.of("a", "b")));
            assertEquals(c.members[0].node().place("never-seen").orElseThrow().address(), p.nodeOf("never-seen"));
        }
    }
}
