package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;

class PinLedgerTest {

    private static final long DELAY = 5_000;
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final PinLedger ledger = new PinLedger(now::get, DELAY);
    private final AtomicInteger open = new AtomicInteger();

    private LayerLease lease(int n) {
        open.incrementAndGet();
        AtomicInteger closed = new AtomicInteger();
        return new LayerLease() {
            @Override
            public LayerId id() {
                return Fakes.id(n);
            }

            @Override
            public Path path() {
                return Path.of("/l", Integer.toString(n));
            }

            @Override
            public void close() {
                if (closed.incrementAndGet() == 1) {
                    open.decrementAndGet();
                }
            }
        };
    }

    @Test
    void theCurrentGenerationIsNeverReleased() {
        ledger.commit("f", 1, List.of(lease(1), lease(2)));
        now.addAndGet(DELAY * 100);
        assertEquals(0, ledger.releaseStale(Map.of()));
        assertEquals(2, open.get());
        assertEquals(List.of(1L), ledger.pinnedGenerations("f"));
    }

    @Test
    void aSupersededGenerationIsReleasedOnlyAfterTheDelay() {
        ledger.commit("f", 1, List.of(lease(1)));
        ledger.commit("f", 2, List.of(lease(2)));
        now.addAndGet(DELAY - 1);
        assertEquals(0, ledger.releaseStale(Map.of()), "one nanosecond before the delay ends");
        now.addAndGet(1);
        assertEquals(1, ledger.releaseStale(Map.of()));
        assertEquals(1, open.get(), "generation 2's lease stays open");
        assertEquals(List.of(2L), ledger.pinnedGenerations("f"));
    }

    @Test
    void pinsStayWhileTheFunctionRunsAnInvocation() {
        ledger.commit("f", 1, List.of(lease(1)));
        ledger.commit("f", 2, List.of(lease(2)));
        now.addAndGet(DELAY * 10);
        assertEquals(0, ledger.releaseStale(Map.of("f", 1)));
        assertEquals(1, ledger.releaseStale(Map.of("f", 0, "g", 3)));
    }

    @Test
    void aRemovedRootIsReleasedTheExtraDelayLater() {
        ledger.commit("f#shadow", 1, List.of(lease(1)));
        ledger.supersede("f#shadow", 50_000);
        now.addAndGet(DELAY);
        assertEquals(0, ledger.releaseStale(Map.of()));
        now.addAndGet(50_000);
        assertEquals(1, ledger.releaseStale(Map.of()));
        assertEquals(0, open.get());
        ledger.supersede("unknown", 0); // nothing pinned: nothing to do
        assertEquals(List.of(), ledger.pinnedGenerations("unknown"));
    }

    @Test
    void closeAllClosesEveryLease() {
        ledger.commit("f", 1, List.of(lease(1)));
        ledger.commit("f", 2, List.of(lease(2)));
        ledger.commit("g", 1, List.of(lease(3)));
        ledger.closeAll();
        assertEquals(0, open.get());
        assertEquals(List.of(), ledger.pinnedGenerations("f"));
    }

    @Test
    void aNegativeDelayIsRejectedWithItsValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PinLedger(now::get, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }
}
