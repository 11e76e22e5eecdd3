package org.layerswap.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.layerswap.replay.Fixtures.MB;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.replay.policy.ClairvoyantOracle;
import org.layerswap.replay.policy.InfiniteCacheOracle;
import org.layerswap.replay.policy.KeepAlivePolicy;
import org.layerswap.replay.policy.LruPolicy;

/**
 * A five-invocation trace worked out by hand.
 *
 * <pre>
 * layers: A 100 MB (shared base), B 50 MB, C 50 MB, D 100 MB
 * f1 = [A, B], f2 = [A, C], f3 = [D]
 * trace: f1@0s, f2@60s, f3@120s, f1@180s, f1@240s
 * node: budget 250 MB, 100 MB/s, RTT 20 ms, unpack 200 MB/s
 * fetch of X MB on an idle link: 20 + 10 X + 5 X ms: 150 MB 2270, 100 MB 1520, 50 MB 770
 * </pre>
 */
class HandComputedReplayTest {

    static final LayerDescriptor A = Fixtures.layer('a', 100 * MB);
    static final LayerDescriptor B = Fixtures.layer('b', 50 * MB);
    static final LayerDescriptor C = Fixtures.layer('c', 50 * MB);
    static final LayerDescriptor D = Fixtures.layer('d', 100 * MB);
    static final NodeSettings NODE = new NodeSettings(250 * MB, 100e6, 20, 200e6);

    static EventTable table() {
        return EventTable.of(Fixtures.events("f1", 0, "f2", 60_000, "f3", 120_000, "f1", 180_000, "f1", 240_000),
                Fixtures.resolver(Map.of("f1", List.of(A, B), "f2", List.of(A, C), "f3", List.of(D)), Map.of()));
    }

    /**
     * LRU: f1 misses A,B (2270); f2 misses C (770), 200 MB; f3 misses D: 300 > 250, evict LRU B -> 250 (1520);
     * f1 finds A, misses B: the LRU head A is pinned, so C goes (770); f1 hits.
     * Storage: 150 MB x 60 s + 200 x 60 + 250 x 60 + 250 x 60 = 51 GB*s.
     */
    @Test
    void lru() {
        PolicyResult r = Fixtures.replay(table(), NODE, 0, new LruPolicy());
        assertEquals(5, r.invocations());
        assertEquals(4, r.criticalPathInvocations());
        assertEquals(2270 + 770 + 1520 + 770, r.totalStallMs(), 1e-6);
        assertEquals(350 * MB, r.onDemandBytes());
        assertEquals(0, r.prefetchBytes());
        assertEquals(0, r.wastedPrefetchBytes());
        assertEquals(51.0, r.residentGbSeconds(), 1e-9);
        assertEquals(5, r.demandLayerMisses());
        // stalls sorted [0, 770, 770, 1520, 2270]: nearest-rank p50 = 3rd, p95 = 5th
        assertEquals(770, r.stallP50Ms(), 1e-3);
        assertEquals(2270, r.stallP95Ms(), 1e-3);
    }

    /**
     * Keep-alive 30 s: every layer expires 30 s after its use, before the next invocation 60 s later,
     * so all five invocations fetch: 2270 (A,B) + 2270 (A,C) + 1520 (D) + 2270 + 2270 = 10600 ms,
     * 700 MB. Storage: 150 MB x 30 s three times + 100 MB x 30 s + the last stack 0 s = 16.5 GB*s.
     */
    @Test
    void keepAlive30s() {
        PolicyResult r = Fixtures.replay(table(), NODE, 0, new KeepAlivePolicy(30_000));
        assertEquals(5, r.criticalPathInvocations());
        assertEquals(10_600, r.totalStallMs(), 1e-6);
        assertEquals(700 * MB, r.onDemandBytes());
        assertEquals(16.5, r.residentGbSeconds(), 1e-9);
        assertEquals(2270, r.stallP50Ms(), 1e-3);
    }

    /** Infinite cache: only the compulsory misses of f1, f2 (C) and f3 (D): 2270 + 770 + 1520. */
    @Test
    void infiniteCache() {
        PolicyResult r = Fixtures.replay(table(), NODE, 0, new InfiniteCacheOracle());
        assertEquals(3, r.criticalPathInvocations());
        assertEquals(4560, r.totalStallMs(), 1e-6);
        assertEquals(300 * MB, r.onDemandBytes());
    }

    /**
     * Clairvoyant (1-minute look-ahead): f1@0 misses A,B (2270; the link is busy until 1520). It
     * prefetches C (needed at 60 s; room: 150 + 50 <= 250): link time 770 from 1520, resident at 2290.
     * f2@60 s hits and C, never needed again, is dropped at 60 s. It prefetches D (needed at 120 s):
     * 150 + 100 <= 250, done at 61.52 s. f3 hits, D is dropped at 120 s; f1 and f1 hit.
     * Storage (MB*s): 150 x 2.29 + 200 x 57.71 + 150 x 1.52 + 250 x 58.48 + 150 x 120 = 44733.5.
     */
    @Test
    void clairvoyant() {
        PolicyResult r = Fixtures.replay(table(), NODE, 0, new ClairvoyantOracle(60_000));
        assertEquals(1, r.criticalPathInvocations());
        assertEquals(2270, r.totalStallMs(), 1e-6);
        assertEquals(150 * MB, r.onDemandBytes());
        assertEquals(150 * MB, r.prefetchBytes());
        assertEquals(2, r.prefetchesCompleted());
        assertEquals(2, r.prefetchesUsed());
        assertEquals(0, r.wastedPrefetchBytes());
        assertEquals(44.7335, r.residentGbSeconds(), 1e-9);
        // recall: 2 layer needs covered by prefetches, 2 (f1's first A and B) fetched on demand
        assertEquals(0.5, r.prefetchRecall(), 1e-12);
    }

    /** The warm-up excludes the first two invocations from every count. */
    @Test
    void warmupIsExcluded() {
        PolicyResult r = Fixtures.replay(table(), NODE, 60_001, new LruPolicy());
        assertEquals(3, r.invocations());
        assertEquals(2, r.criticalPathInvocations());
        assertEquals(1520 + 770, r.totalStallMs(), 1e-6);
        // storage from 60.001 s: 200 MB x 59.999 s + 250 x 120 s
        assertEquals((200 * 59.999 + 250 * 120) / 1000, r.residentGbSeconds(), 1e-9);
    }

    /** Frequency classes: over a 4-minute span f1 runs 3 times (< 1/min, >= 1/h), so does everyone. */
    @Test
    void frequencyClasses() {
        PolicyResult r = Fixtures.replay(table(), NODE, 0, new LruPolicy());
        assertArrayEquals(new long[] {0, 5, 0}, r.invocationsByClass());
    }
}
