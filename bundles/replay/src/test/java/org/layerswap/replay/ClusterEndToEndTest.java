package org.layerswap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** N-node runs of a small synthetic fleet (1 day, 40 functions), checked for the properties every run must have. */
class ClusterEndToEndTest {

    static final NodeSettings NODE = new NodeSettings(1_500_000_000L, 100e6, 20, 200e6);
    static final long WARMUP = 3_600_000L;
    static final List<String> POLICIES = List.of("lru", "gdsf", "hybrid", "swap-manager:histogram");
    static EventTable tab;

    @BeforeAll
    static void load() {
        tab = ReplayRunner.load(ReplayMain.parse(new String[] {"--trace", "synthetic:days=1,functions=40,seed=1"}),
                ProgressListener.NONE);
    }

    static PolicySpec policy(String name) {
        return Policies.byName(name, 60_000, 10_000, 15 * 60_000L);
    }

    static ClusterResult cluster(String policy, int nodes, ClusterPlacement placement, boolean peerCache) {
        return ClusterReplay.run(tab, NODE, WARMUP, policy(policy),
                new ClusterSpec(nodes, placement, peerCache, PeerLink.defaults(), 0.25, 1), null);
    }

    @Test
    void oneNodeIsExactlyTheSingleNodeReplay() {
        for (String p : POLICIES) {
            PolicyResult single = new Simulator(tab, NODE, policy(p).factory().get(), WARMUP, null).run(
                    policy(p).family(), policy(p).knob());
            assertTrue(single.criticalPathInvocations() > 0, p + ": the trace must exercise fetches");
            for (boolean peer : new boolean[] {true, false}) {
                for (ClusterPlacement placement : ClusterPlacement.values()) {
                    ClusterResult one = cluster(p, 1, placement, peer);
                    assertSameMetrics(single, one.perNode().get(0), p);
                    assertEquals(single.bytesFetched(), one.registryBytes(), 1.0, p + ": every byte from the registry");
                    assertEquals(0, one.peerBytes(), p);
                }
            }
        }
    }

    @Test
    void everyInvocationIsServedOnceAndEveryByteCountedOnceBySource() {
        PolicyResult single = new Simulator(tab, NODE, policy("lru").factory().get(), WARMUP, null).run("lru", Double.NaN);
        for (String p : POLICIES) {
            for (int n : new int[] {3, 8}) {
                for (ClusterPlacement placement : ClusterPlacement.values()) {
                    for (boolean peer : new boolean[] {true, false}) {
                        ClusterResult r = cluster(p, n, placement, peer);
                        String what = p + " on " + r.spec().label();
                        assertEquals(n, r.perNode().size());
                        assertEquals(single.invocations(), r.invocations(), what);
                        long[] byClass = new long[3];
                        double fetched = 0;
                        long critical = 0;
                        for (PolicyResult node : r.perNode()) {
                            for (int c = 0; c < 3; c++) {
                                byClass[c] += node.invocationsByClass()[c];
                            }
                            fetched += node.bytesFetched();
                            critical += node.criticalPathInvocations();
                        }
                        assertEquals(single.invocationsByClass()[0], byClass[0], what);
                        assertEquals(single.invocationsByClass()[2], byClass[2], what);
                        assertEquals(critical, r.criticalPathInvocations(), what);
                        assertEquals(critical, r.registryServed() + r.peerServed(), what + ": each cold invocation has one source");
                        assertEquals(fetched, r.registryBytes() + r.peerBytes(), n, what);
                        if (!peer) {
                            assertEquals(0, r.peerBytes(), what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void thePeerCacheNeverAddsRegistryEgressAndServesColdFetchesFasterThanTheRegistry() {
        for (String p : POLICIES) {
            for (ClusterPlacement placement : ClusterPlacement.values()) {
                ClusterResult on = cluster(p, 8, placement, true);
                ClusterResult off = cluster(p, 8, placement, false);
                String what = p + ", 8 nodes, " + placement.label();
                assertTrue(on.registryBytes() <= off.registryBytes(), what + ": " + on.registryBytes() + " > " + off.registryBytes());
                assertTrue(on.peerBytes() > 0, what + ": some layer must be shared");
                if (placement == ClusterPlacement.RANDOM) {
                    // a function's own layers are on a peer only when its invocations are spread over nodes
                    assertTrue(on.peerServed() > 0, what);
                    assertTrue(on.peerServedMeanMs() < on.registryServedMeanMs(), what + ": peer " + on.peerServedMeanMs()
                            + " ms vs registry " + on.registryServedMeanMs() + " ms");
                }
                if (!p.startsWith("swap-manager") && !p.equals("hybrid")) {
                    // on-demand policies decide by the event sequence alone: the same fetches, only their source moves
                    assertEquals(off.criticalPathInvocations(), on.criticalPathInvocations(), what);
                    assertEquals(off.registryBytes(), on.registryBytes() + on.peerBytes(), 8, what);
                }
            }
        }
    }

    @Test
    void theCommandLineWritesTheTableForEveryConfiguration(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int rc = ReplayMain.run(new String[] {"--trace", "synthetic:days=1,functions=40,seed=1", "--budget", "1.5GB",
                "--policies", "lru,gdsf", "--nodes", "3,8", "--placement", "hash", "--peer-cache", "on,off", "--lan", "1GB/s",
                "--lan-rtt", "200us", "--quiet", "--threads", "1", "--out", dir.toString()}, out, out);
        assertEquals(0, rc);
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("LAN 1000 MB/s, RTT 0.20 ms"), text);
        List<String> csv = Files.readAllLines(dir.resolve("cluster.csv"));
        assertEquals(1 + 2 * (1 + 2 * 2), csv.size(), "header + per policy: 1 node + 2 sizes x peer on/off");
        assertTrue(csv.get(1).startsWith("lru,1,hash,on,"), csv.get(1));
        assertTrue(csv.get(1).contains(",1.0000,"), "the 1-node row is its own egress baseline: " + csv.get(1));
        assertTrue(Files.readString(dir.resolve("cluster.md")).contains("| gdsf | 8 | hash | off |"));
    }

    @Test
    void badClusterOptionsAreRefusedByName() {
        String[] base = {"--trace", "synthetic:days=1", "--nodes"};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterReplayMain.parse(new String[] {"--trace",
                "synthetic:days=1", "--nodes", "3", "--peer-cache", "maybe"})).getMessage().contains("--peer-cache"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterReplayMain.parse(new String[] {"--trace",
                "synthetic:days=1", "--nodes", "three"})).getMessage().contains("--nodes"));
        assertThrows(IllegalArgumentException.class, () -> ClusterReplayMain.parse(new String[] {"--trace",
                "synthetic:days=1", "--nodes", "65"}));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterReplayMain.parse(new String[] {"--trace",
                "synthetic:days=1", "--nodes", "3", "--lan-rtt", "0.2"})).getMessage().contains("unit"));
        assertThrows(IllegalArgumentException.class, () -> ClusterReplayMain.parse(base));
        assertEquals(0.2, ClusterReplayMain.rttMillis("200us"), 1e-12);
        assertEquals(0.2, ClusterReplayMain.rttMillis("0.2ms"), 1e-12);
    }

    static void assertSameMetrics(PolicyResult a, PolicyResult b, String what) {
        assertEquals(a.policy(), b.policy(), what);
        assertEquals(a.invocations(), b.invocations(), what);
        assertEquals(a.criticalPathInvocations(), b.criticalPathInvocations(), what);
        assertEquals(List.of(a.invocationsByClass()[0], a.invocationsByClass()[1], a.invocationsByClass()[2],
                a.criticalByClass()[0], a.criticalByClass()[1], a.criticalByClass()[2]),
                List.of(b.invocationsByClass()[0], b.invocationsByClass()[1], b.invocationsByClass()[2],
                        b.criticalByClass()[0], b.criticalByClass()[1], b.criticalByClass()[2]), what);
        assertEquals(a.stallP50Ms(), b.stallP50Ms(), 0, what);
        assertEquals(a.stallP95Ms(), b.stallP95Ms(), 0, what);
        assertEquals(a.stallP99Ms(), b.stallP99Ms(), 0, what);
        assertEquals(a.totalStallMs(), b.totalStallMs(), 0, what);
        assertEquals(a.onDemandBytes(), b.onDemandBytes(), what);
        assertEquals(a.prefetchBytes(), b.prefetchBytes(), what);
        assertEquals(a.wastedPrefetchBytes(), b.wastedPrefetchBytes(), what);
        assertEquals(a.unusedAtEndBytes(), b.unusedAtEndBytes(), what);
        assertEquals(a.residentGbSeconds(), b.residentGbSeconds(), 0, what);
        assertEquals(a.prefetchesCompleted(), b.prefetchesCompleted(), what);
        assertEquals(a.prefetchesUsed(), b.prefetchesUsed(), what);
        assertEquals(a.demandLayerMisses(), b.demandLayerMisses(), what);
        assertEquals(a.layerAccesses(), b.layerAccesses(), what);
        assertEquals(a.brier(), b.brier(), 0, what);
    }
}
