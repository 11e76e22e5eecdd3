package org.layerswap.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.layerswap.api.LayerId;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class PrefetchLedgerTest {

    static final LayerId A = LayerId.of("sha256:" + "a".repeat(64));
    static final LayerId B = LayerId.of("sha256:" + "b".repeat(64));
    static final LayerId DATA = LayerId.of("sha256:" + "d".repeat(64));

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Set<LayerId> resident = new HashSet<>(Set.of(A, B, DATA));
    final PrefetchLedger ledger = new PrefetchLedger(registry, Map.of("fa", List.of(A), "fb", List.of(B))::get, resident::contains);

    double count(String name) {
        return registry.get(name).counter().count();
    }

    @Test
    void aPrefetchedLayerIsUsedWhenAFunctionOnItRunsAndCountsOnce() {
        ledger.prefetched(A, 100);
        ledger.used("fa", List.of());
        ledger.used("fa", List.of());
        assertEquals(1, count("layerswap.prefetches.used"));
        assertEquals(100, count("layerswap.prefetch.used"));
        assertEquals(0, ledger.pending());
    }

    @Test
    void layersAnExecutionFetchedBesidesItsFunctionsOwnCountAsUsedToo() {
        ledger.prefetched(DATA, 7);
        ledger.used("fa", List.of(DATA));
        assertEquals(1, count("layerswap.prefetches.used"));
        assertEquals(7, count("layerswap.prefetch.used"));
    }

    @Test
    void aPrefetchedLayerThatLeavesTheStoreUnusedIsWastedOnceAndNeverUsedAfterwards() {
        ledger.prefetched(A, 100);
        ledger.prefetched(B, 50);
        resident.remove(B);
        ledger.sweep();
        ledger.sweep();
        ledger.used("fb", List.of());
        assertEquals(1, count("layerswap.prefetches.wasted"));
        assertEquals(50, count("layerswap.prefetch.wasted"));
        assertEquals(0, count("layerswap.prefetches.used"));
        assertEquals(1, ledger.pending(), "A is still resident and unused");
    }

    @Test
    void aLayerPrefetchedAgainAfterItWasSettledIsANewPrefetch() {
        ledger.prefetched(A, 100);
        ledger.used("fa", List.of());
        ledger.prefetched(A, 100);
        resident.remove(A);
        ledger.sweep();
        assertEquals(1, count("layerswap.prefetches.used"));
        assertEquals(1, count("layerswap.prefetches.wasted"));
    }
}
