package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.desc;
import static org.layerswap.swap.Fakes.id;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.LayerId;
import org.layerswap.api.RootLease;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapOutcome;
import org.layerswap.api.SwapRecord;
import org.layerswap.testkit.FakeProfiler;

class RootComposerTest {

    private final Fakes.Store store = new Fakes.Store();
    private final Fakes.Backend backend = new Fakes.Backend("fake");
    private final LayerCatalog catalog = new LayerCatalog(new FakeProfiler());
    private final AtomicLong nanos = new AtomicLong();
    private final PinLedger pins = new PinLedger(nanos::get, 10);
    private final BoundedHistory<SwapRecord> history = new BoundedHistory<>(() -> 100, r -> { });
    private volatile FilesystemBackend active = backend;
    private final RootComposer roots = new RootComposer(store, catalog, () -> 42L, () -> active, Runnable::run, history, pins);

    private void resident(int... ns) {
        for (int n : ns) {
            store.resident.add(id(n));
        }
    }

    private int pinned(int n) {
        var c = store.pinned.get(id(n));
        return c == null ? 0 : c.get();
    }

    @Test
    void aCompositionPinsItsLayersCommitsTheRootAndRecordsIt() throws Exception {
        resident(1, 2);
        SwapRecord r = roots.compose(RootComposer.Job.atomic("f", "f", backend, List.of(), List.of(id(1), id(2)), "note"));
        assertEquals(SwapOutcome.SUCCEEDED, r.outcome());
        assertEquals("note", r.detail());
        assertEquals(42L, r.startedMillis());
        assertEquals(List.of(r), history.newest(10));
        assertEquals(new RootComposer.Root(backend, List.of(id(1), id(2))), roots.root("f"));
        assertEquals(List.of(store.pathOf(id(1)), store.pathOf(id(2))), backend.roots.get("f"));
        assertEquals(1, pinned(1));
        assertEquals(List.of(1L), pins.pinnedGenerations("f"));
    }

    @Test
    void aFailedCompositionClosesThePinsItTookAndRecordsTheFailure() {
        resident(1); // id(2) is neither resident nor of a known source
        RootComposer.Failed f = assertThrows(RootComposer.Failed.class, () -> roots.compose(
                RootComposer.Job.atomic("f", "f@x", backend, List.of(), List.of(id(1), id(2)), "variant root")));
        assertEquals(SwapOutcome.FAILED, f.record.outcome());
        assertTrue(f.record.detail().startsWith("variant root: layer " + id(2)), f.record.detail());
        assertTrue(f.getCause() instanceof IllegalStateException);
        assertEquals(0, pinned(1), "the pin on the resident layer was given back");
        assertNull(roots.root("f@x"));
        assertEquals(List.of(f.record), history.newest(10));
    }

    @Test
    void aFailedCheckComposesNothingAndAMissingBackendOrEmptyStackIsAFailure() {
        resident(1);
        RootComposer.Job checked = new RootComposer.Job("f", "f", backend, List.of(), List.of(id(1)), SwapMode.SHADOW,
                () -> {
                    throw new IllegalStateException("already running");
                }, FilesystemBackend::compose, (id, t) -> null, why -> "why: " + why);
        assertEquals("why: already running", assertThrows(RootComposer.Failed.class, () -> roots.compose(checked)).record.detail());
        RootComposer.Failed noBackend = assertThrows(RootComposer.Failed.class,
                () -> roots.compose(RootComposer.Job.atomic("f", "f", null, List.of(), List.of(id(1)), "n")));
        assertTrue(noBackend.record.detail().contains("no filesystem backend"), noBackend.record.detail());
        RootComposer.Failed empty = assertThrows(RootComposer.Failed.class, () -> roots.compose(new RootComposer.Job("f", "f", backend,
                List.of(), null, null, () -> { }, FilesystemBackend::compose, (id, t) -> null, why -> why)));
        assertEquals(SwapMode.ATOMIC, empty.record.mode(), "no mode given: recorded as ATOMIC");
        assertEquals(List.of(), empty.record.toLayers());
        assertEquals(List.of(), backend.log, "nothing composed");
        assertEquals(0, pinned(1));
    }

    @Test
    void aNewGenerationSupersedesThePinsOfTheOldOneWhichAreReleasedLater() throws Exception {
        resident(1, 2);
        roots.compose(RootComposer.Job.atomic("f", "f", backend, List.of(), List.of(id(1)), ""));
        roots.compose(RootComposer.Job.atomic("f", "f", backend, List.of(id(1)), List.of(id(2)), ""));
        assertEquals(1, pinned(1), "the old generation stays pinned until released");
        nanos.addAndGet(10);
        roots.releaseStalePins();
        assertEquals(0, pinned(1));
        assertEquals(1, pinned(2));
    }

    @Test
    void adoptsARecoveredRootBuiltFromExactlyTheStoreDirectories() throws Exception {
        resident(1, 2);
        backend.compose("f", List.of(store.pathOf(id(1)), store.pathOf(id(2))));
        assertNull(roots.adopt("f", backend, List.of(id(2), id(1))), "another order is another root");
        SwapRecord r = roots.adopt("f", backend, List.of(id(1), id(2)));
        assertTrue(r.detail().startsWith("adopted root generation 1 recovered by the fake backend"), r.detail());
        assertEquals(1, pinned(2));
        assertNull(roots.adopt("g", backend, List.of(id(1))), "no recovered root of g");
    }

    @Test
    void migrationComposesEveryRootOnTheNewBackendAndRemovesItFromTheOld() throws Exception {
        resident(1, 2);
        roots.compose(RootComposer.Job.atomic("f", "f", backend, List.of(), List.of(id(1)), ""));
        roots.compose(RootComposer.Job.atomic("g", "g" + SwapManagerCore.SHADOW_SUFFIX, backend, List.of(), List.of(id(2)), ""));
        RootLease running = backend.enter("f");
        Fakes.Backend next = new Fakes.Backend("next");
        active = next;
        roots.migrate(next);
        assertSame(next, roots.composedOn("f"));
        assertSame(next, roots.composedOn("g" + SwapManagerCore.SHADOW_SUFFIX));
        List<SwapRecord> h = history.newest(2);
        assertTrue(h.stream().anyMatch(r -> r.functionId().equals("g") && r.detail().equals(
                "migrated g#shadow from backend fake to next")), h.toString());
        assertTrue(h.stream().anyMatch(r -> r.functionId().equals("f") && r.detail().endsWith("(old root drains: invocations still running)")),
                h.toString());
        running.close();
    }

    @Test
    void aDiscardedRootIsForgottenRemovedAndItsPinsSuperseded() throws Exception {
        resident(1);
        roots.compose(RootComposer.Job.atomic("f", "f@1", backend, List.of(), List.of(id(1)), ""));
        roots.discard("f", "f@1");
        assertNull(roots.composedOn("f@1"));
        assertTrue(backend.log.contains("remove f@1"));
        nanos.addAndGet(10);
        roots.releaseStalePins();
        assertEquals(0, pinned(1));
    }

    @Test
    void theVariantHostRethrowsTheOriginalFailure() {
        catalog.define(new FunctionDefinition("f", "", "r", List.of(desc(1, 1)), null));
        assertEquals(List.of(id(1)), roots.stackOf("f"));
        List<LayerId> missing = List.of(id(5));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> roots.compose("f", "f@5", backend, missing, "v"));
        assertTrue(e.getMessage().contains(id(5).toString()), e.getMessage());
        store.resident.add(id(5));
        backend.failCompose = "mount failed";
        IOException io = assertThrows(IOException.class, () -> roots.compose("f", "f@5", backend, missing, "v"));
        assertEquals("mount failed", io.getMessage());
    }
}
