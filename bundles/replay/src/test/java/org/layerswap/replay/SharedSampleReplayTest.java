package org.layerswap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke replay of the shared real samples with every standard policy, plus the report and charts. */
class SharedSampleReplayTest {

    @TempDir
    Path out;

    private static Path shared(String name) {
        Path p = Path.of(System.getProperty("layerswap.shared.data", "../../../shared/data")).resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(p), "shared trace sample " + p.toAbsolutePath()
                + " is absent (set -Dlayerswap.shared.data=<dir>); skipping the real-trace replay");
        return p;
    }

    @Test
    void azure2019SampleReplaysWithEveryPolicyAndWritesTheReport() throws Exception {
        Path f = shared("azure2019-1350-invocations.csv");
        ReplaySettings cfg = new ReplaySettings().trace("azure2019:" + f).outDir(out).threads(2);
        double[] lastProgress = {0};
        ReplayResult r = ReplayRunner.run(cfg, (phase, frac) -> lastProgress[0] = frac);
        assertEquals(927_272, r.events());
        assertEquals(Policies.STANDARD.size(), r.results().size());
        assertEquals(1.0, lastProgress[0], 1e-12);
        PolicyResult infinite = find(r.results(), "oracle-infinite");
        PolicyResult clairvoyant = find(r.results(), "oracle-clairvoyant");
        for (PolicyResult p : r.results()) {
            assertTrue(p.invocations() > 800_000, p.policy());
            assertTrue(p.criticalPathInvocations() >= infinite.criticalPathInvocations()
                    || p == clairvoyant, p.policy() + " beats the infinite cache");
            assertTrue(p.criticalPathShare() >= clairvoyant.criticalPathShare(), p.policy() + " beats the clairvoyant");
        }
        assertTrue(Files.exists(out.resolve("calibration.csv")));
        for (String file : List.of("report.md", "results.csv", "policies.png", "stalls.png")) {
            assertTrue(Files.size(out.resolve(file)) > 100, file);
        }
        byte[] png = Files.readAllBytes(out.resolve("policies.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        String md = Files.readString(out.resolve("report.md"));
        for (String name : Policies.STANDARD) {
            assertTrue(md.contains("| " + name + " |"), name);
        }
    }

    /**
     * Issue 13's byte bound where the day almost fits (40 GB): the size-aware order alone fetches more than 1.5x LRU's
     * bytes (on-demand re-fetches of the big layers it evicts); with the bandwidth budget (the default, 1.5x) it stays
     * within it and still misses less than LRU, the best baseline there.
     */
    @Test
    void atFortyGigabytesTheBandwidthBudgetKeepsTheSwapManagersBytesWithinOneAndAHalfTimesLrusWithFewerMisses() {
        Path f = shared("azure2019-1350-invocations.csv");
        EventTable tab = ReplayRunner.load(ReplayMain.parse(new String[] {"--trace", "azure2019:" + f}), ProgressListener.NONE);
        NodeSettings node = new NodeSettings(Units.bytes("40GB"), 100e6, 20, 200e6); // the CLI's default link
        List<PolicyResult> r = ReplayRunner.replayAll(tab, node, 3_600_000L,
                List.of(Policies.byName("lru", 60_000), Policies.byName("swap-manager", 60_000, 10_000, 15 * 60_000L, 0),
                        Policies.byName("swap-manager", 60_000, 10_000, 15 * 60_000L)), 2, ProgressListener.NONE);
        PolicyResult lru = r.get(0);
        PolicyResult unbudgeted = r.get(1);
        PolicyResult budgeted = r.get(2);
        assertTrue(unbudgeted.bytesFetched() > 1.5 * lru.bytesFetched(), "without the budget the order fetches "
                + unbudgeted.bytesFetched() + " bytes, LRU " + lru.bytesFetched() + ": the case this test is about");
        assertTrue(budgeted.bytesFetched() <= 1.5 * lru.bytesFetched(),
                "with the budget " + budgeted.bytesFetched() + " bytes, LRU " + lru.bytesFetched());
        assertTrue(budgeted.criticalPathInvocations() < lru.criticalPathInvocations(), "critical-path invocations "
                + budgeted.criticalPathInvocations() + " vs LRU " + lru.criticalPathInvocations());
    }

    @Test
    void azure2021SampleReplays() {
        Path f = shared("azure2021-sample.csv");
        ReplayResult r = ReplayRunner.run(new ReplaySettings().trace("azure2021:" + f).warmupMillis(0), ProgressListener.NONE);
        assertTrue(r.events() >= 198);
        assertEquals(31, r.functions());
        PolicyResult infinite = find(r.results(), "oracle-infinite");
        // with no warm-up every function's first invocation is a compulsory miss
        assertTrue(infinite.criticalPathInvocations() >= 13, "at least one per app");
    }

    static PolicyResult find(List<PolicyResult> rs, String name) {
        return rs.stream().filter(p -> p.policy().equals(name)).findFirst().orElseThrow();
    }
}
