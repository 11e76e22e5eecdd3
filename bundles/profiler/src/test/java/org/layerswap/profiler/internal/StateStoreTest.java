package org.layerswap.profiler.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.profiler.engine.ProfileSnapshot;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.layerswap.profiler.engine.SnapshotCodec;

class StateStoreTest {

    /** Shaped like org.layerswap.persistence.api.PersistenceService's state methods. */
    public interface FakeStateService {
        void saveState(String key, byte[] value);

        Optional<byte[]> loadState(String key);
    }

    static final class Fake implements FakeStateService {
        final Map<String, byte[]> state = new HashMap<>();

        @Override
        public void saveState(String key, byte[] value) {
            state.put(key, value);
        }

        @Override
        public Optional<byte[]> loadState(String key) {
            return Optional.ofNullable(state.get(key));
        }
    }

    @Test
    void snapshotsRoundTripThroughAStateService() throws Exception {
        Fake fake = new Fake();
        StateStore store = StateStore.of(fake).orElseThrow();
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), null);
        for (int i = 0; i < 10; i++) {
            e.record(InvocationEvent.of("a", i * 1000L));
        }
        byte[] bytes = SnapshotCodec.encode(e.snapshot());
        store.save(ProfilerComponent.STATE_KEY, bytes);
        assertArrayEquals(bytes, fake.state.get(ProfilerComponent.STATE_KEY));
        ProfileSnapshot back = SnapshotCodec.decode(store.load(ProfilerComponent.STATE_KEY).orElseThrow(), "fake");
        assertEquals(10, back.functions().get(0).count());
        assertTrue(store.load("absent").isEmpty());
    }

    @Test
    void objectsWithoutStateMethodsAreNotAdapted() {
        assertTrue(StateStore.of(new Object()).isEmpty());
        assertTrue(StateStore.of(null).isEmpty());
        assertTrue(StateStore.of((Runnable) () -> { }).isEmpty());
    }
}
