package org.layerswap.profiler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.StateStore;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.layerswap.profiler.engine.SnapshotCodec;

/** Save and restore through the typed {@link StateStore} and the snapshot file. */
class SnapshotKeeperTest {

    /** An in-memory store, as the persistence bundle's H2 table behaves. */
    static final class FakeStore implements StateStore {
        final Map<String, byte[]> state = new HashMap<>();
        int saves;

        @Override
        public void saveState(String key, byte[] value) {
            saves++;
            state.put(key, value.clone());
        }

        @Override
        public Optional<byte[]> loadState(String key) {
            return Optional.ofNullable(state.get(key)).map(byte[]::clone);
        }
    }

    @TempDir
    Path dir;

    final FakeStore store = new FakeStore();
    final SnapshotKeeper keeper = new SnapshotKeeper(() -> 1234L);

    static ProfilerEngine engine() {
        return new ProfilerEngine(ProfilerSettings.defaults(), null);
    }

    /** An engine that saw {@code n} invocations of "a", snapshotted into the store (taken at its last event). */
    void storeHolds(int n) {
        ProfilerEngine e = engine();
        for (int i = 0; i < n; i++) {
            e.record(InvocationEvent.of("a", 1_000_000L + i * 1000L));
        }
        store.saveState(SnapshotKeeper.STATE_KEY, SnapshotCodec.encode(e.snapshot()));
    }

    long countOfA(ProfilerEngine e) {
        var p = e.profiles().profile("a");
        return p == null ? 0 : p.invocationCount();
    }

    @Test
    void writesGoToTheFileAndTheBoundStore() throws Exception {
        ProfilerEngine e = engine();
        keeper.bind(store);
        keeper.attach(e, dir.resolve("p.snapshot"));
        e.record(InvocationEvent.of("a", 5000));
        keeper.write();
        assertEquals(1, SnapshotCodec.read(dir.resolve("p.snapshot")).functions().size());
        byte[] saved = store.loadState(SnapshotKeeper.STATE_KEY).orElseThrow();
        assertEquals("a", SnapshotCodec.decode(saved, "test").functions().get(0).functionId());
    }

    @Test
    void aStoreBoundBeforeActivationRestoresWhenNewerThanTheFile() throws Exception {
        storeHolds(7);
        keeper.bind(store);
        ProfilerEngine e = engine();
        keeper.attach(e, dir.resolve("absent.snapshot"));
        assertEquals(7, countOfA(e));
        assertEquals(7, e.eventsRecorded(), "the event count carries over");
        assertTrue(keeper.restoredFrom().startsWith("profiler: 1 function profile(s), 7 event(s) from the state store"),
                keeper.restoredFrom());
    }

    @Test
    void theRestartReportSaysWhichSnapshotFileTheProfilesCameFromOrNothingWhenTheyStartedEmpty() throws Exception {
        ProfilerEngine first = engine();
        keeper.attach(first, dir.resolve("p.snapshot"));
        assertEquals("", keeper.restoredFrom(), "no file yet: empty profiles");
        first.record(InvocationEvent.of("a", 5000));
        keeper.detach();
        SnapshotKeeper next = new SnapshotKeeper(() -> 0L);
        next.attach(engine(), dir.resolve("p.snapshot"));
        assertTrue(next.restoredFrom().startsWith("profiler: 1 function profile(s), 1 event(s) from snapshot file "
                + dir.resolve("p.snapshot")), next.restoredFrom());
    }

    @Test
    void aStoreBoundAfterActivationRestoresOnlyWhileNothingWasLearned() {
        ProfilerEngine idle = engine();
        keeper.attach(idle, dir.resolve("absent.snapshot"));
        storeHolds(3);
        keeper.bind(store);
        assertEquals(3, countOfA(idle), "appeared late, nothing learned yet: restored");

        SnapshotKeeper other = new SnapshotKeeper(() -> 0L);
        ProfilerEngine busy = engine();
        other.attach(busy, dir.resolve("absent-too.snapshot"));
        busy.record(InvocationEvent.of("b", 5000));
        other.bind(store);
        assertEquals(0, countOfA(busy), "live learning is never overwritten");
        assertEquals(1, busy.profiles().profile("b").invocationCount());
    }

    @Test
    void aStoreSnapshotOlderThanTheFilesIsIgnored() throws Exception {
        storeHolds(2); // taken at event time ~1,001,000
        ProfilerEngine fromFile = engine();
        for (int i = 0; i < 5; i++) {
            fromFile.record(InvocationEvent.of("a", 9_000_000L + i));
        }
        Path file = dir.resolve("p.snapshot");
        SnapshotCodec.write(fromFile.snapshot(), file);
        ProfilerEngine e = engine();
        keeper.attach(e, file);
        keeper.bind(store);
        assertEquals(5, countOfA(e));
    }

    @Test
    void anUnreadableStoreSnapshotIsIgnoredAndTheFileKept() throws Exception {
        store.saveState(SnapshotKeeper.STATE_KEY, "not a snapshot".getBytes());
        keeper.bind(store);
        ProfilerEngine e = engine();
        keeper.attach(e, dir.resolve("absent.snapshot"));
        assertTrue(e.profiles().functions().isEmpty());
    }

    @Test
    void aCorruptFileIsMovedAsideNamedByTheClock() throws Exception {
        Path file = dir.resolve("p.snapshot");
        Files.writeString(file, "garbage");
        ProfilerEngine e = engine();
        keeper.attach(e, file);
        assertTrue(Files.exists(dir.resolve("p.snapshot.corrupt-1234")));
        assertTrue(e.profiles().functions().isEmpty());
    }

    @Test
    void anUnboundStoreIsNotWrittenAndAReplacedOneIsNotForgotten() {
        FakeStore second = new FakeStore();
        ProfilerEngine e = engine();
        keeper.attach(e, dir.resolve("p.snapshot"));
        keeper.bind(store);
        keeper.bind(second);        // a greedy rebind: the new one is bound first...
        keeper.unbind(store);       // ...then the old one unbound
        keeper.write();
        assertEquals(0, store.saves);
        assertEquals(1, second.saves);
        keeper.unbind(second);
        keeper.write();
        assertEquals(1, second.saves);
    }

    @Test
    void aFailingStoreDoesNotStopTheFileWrite() throws Exception {
        StateStore broken = new StateStore() {
            @Override
            public void saveState(String key, byte[] value) {
                throw new IllegalStateException("database closed");
            }

            @Override
            public Optional<byte[]> loadState(String key) {
                throw new IllegalStateException("database closed");
            }
        };
        ProfilerEngine e = engine();
        keeper.bind(broken);
        keeper.attach(e, dir.resolve("p.snapshot"));
        e.record(InvocationEvent.of("a", 1));
        keeper.write();
        assertEquals(1, SnapshotCodec.read(dir.resolve("p.snapshot")).functions().size());
    }

    @Test
    void afterDetachingNothingIsWritten() throws Exception {
        ProfilerEngine e = engine();
        keeper.bind(store);
        keeper.attach(e, dir.resolve("p.snapshot"));
        keeper.detach();
        assertEquals(1, store.saves, "a last write on detach");
        keeper.write();
        assertEquals(1, store.saves);
        assertNull(store.loadState("other").orElse(null));
    }
}
