package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.id;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.layerswap.api.RootLease;
import org.layerswap.api.SwapRecord;
import org.layerswap.testkit.FakeProfiler;

class IdleRootsTest {

    private final Fakes.Store store = new Fakes.Store();
    private final Fakes.Backend backend = new Fakes.Backend("fake");
    private final LayerCatalog catalog = new LayerCatalog(new FakeProfiler());
    private final PinLedger pins = new PinLedger(new AtomicLong()::get, 10);
    private final RootComposer roots = new RootComposer(store, catalog, () -> 1L, () -> backend, Runnable::run,
            new BoundedHistory<SwapRecord>(() -> 10, r -> { }), pins);
    private final IdleRoots idle = new IdleRoots(roots, pins);

    IdleRootsTest() throws Exception {
        for (int n = 1; n <= 4; n++) {
            store.resident.add(id(n));
        }
        compose("f", 1, 2);
        compose("g", 2, 3);
        compose("h" + SwapManagerCore.SHADOW_SUFFIX, 4);
    }

    private void compose(String key, int... layers) throws Exception {
        roots.compose(RootComposer.Job.atomic(key.replace(SwapManagerCore.SHADOW_SUFFIX, ""), key, backend, List.of(),
                java.util.Arrays.stream(layers).mapToObj(Fakes::id).toList(), ""));
    }

    private int pinned(int n) {
        var c = store.pinned.get(id(n));
        return c == null ? 0 : c.get();
    }

    @Test
    void layersHeldOnlyByIdleRootsAreReleasableAndNotThoseOfARootInUseOrAShadow() throws Exception {
        assertEquals(Set.of(id(1), id(2), id(3)), idle.releasable());
        try (RootLease inUse = backend.enter("g")) {
            assertEquals(Set.of(id(1)), idle.releasable(), "2 is also held by g, which runs an invocation");
        }
    }

    @Test
    void releasingRetiresTheIdleRootTearsItDownAndClosesItsPinsWhileARootInUseStaysPinned() throws Exception {
        try (RootLease inUse = backend.enter("g")) {
            assertFalse(idle.release(id(2)), "g holds 2 and runs an invocation");
            assertNull(roots.root("f"), "f held 2 too and was idle: retired");
            assertTrue(backend.log.contains("remove f"));
            assertEquals(0, pinned(1));
            assertEquals(1, pinned(2), "g's pin stays");
            assertNotNull(roots.root("g"));
            assertFalse(backend.log.contains("remove g"));
        }
        assertTrue(idle.release(id(3)), "g is idle now");
        assertNull(roots.root("g"));
        assertEquals(0, pinned(2));
        assertEquals(2, idle.released());
    }

    @Test
    void aShadowRootIsNeverReleased() {
        assertFalse(idle.release(id(4)));
        assertNotNull(roots.root("h" + SwapManagerCore.SHADOW_SUFFIX));
        assertEquals(1, pinned(4));
    }
}
