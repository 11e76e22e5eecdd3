package org.layerswap.profiler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.ProfilePartitioning.FunctionEstimate;

/** Two real engines handing a function's model from one to the other as the cluster does on a migration. */
class OwnedEngineProfilesTest {

    static final long NOW = 1_000_000;

    private static ProfilerEngine engine() {
        return new ProfilerEngine(ProfilerSettings.defaults().withClock(() -> NOW), null);
    }

    @Test
    void aModelExportedFromOneEngineAndAdoptedByAnotherGivesTheSameEstimate() {
        ProfilerEngine from = engine();
        OwnedEngineProfiles a = new OwnedEngineProfiles(from);
        for (int k = 0; k < 6; k++) {
            a.record(InvocationEvent.of("orders", 900_000 + k * 10_000L));
        }
        a.record(InvocationEvent.of("stays", 950_000));
        Map<String, byte[]> exported = a.export(Set.of("orders", "unknown"));
        assertEquals(Set.of("orders"), exported.keySet());

        ProfilerEngine to = engine();
        to.record(InvocationEvent.of("local", 990_000));
        OwnedEngineProfiles b = new OwnedEngineProfiles(to);
        b.adopt(exported.values());
        FunctionEstimate before = a.estimate("orders", NOW);
        FunctionEstimate after = b.estimate("orders", NOW);
        assertEquals(6, after.invocations());
        assertEquals(before.probability(), after.probability(), 1e-12);
        assertNotNull(to.profiles().profile("local"), "adopting keeps the engine's other functions");
        assertNull(to.profiles().profile("stays"), "only the exported function travels");
    }

    @Test
    void droppingForgetsOnlyTheNamedFunctions() {
        OwnedEngineProfiles p = new OwnedEngineProfiles(engine());
        p.record(InvocationEvent.of("a", 10));
        p.record(InvocationEvent.of("b", 20));
        p.drop(List.of("a"));
        assertNull(p.estimate("a", NOW));
        assertEquals(1, p.estimate("b", NOW).invocations());
    }

    @Test
    void bytesThatAreNotASnapshotAreRefusedBeforeAnythingChanges() {
        OwnedEngineProfiles p = new OwnedEngineProfiles(engine());
        p.record(InvocationEvent.of("a", 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.adopt(List.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17})));
        assertTrue(e.getMessage().contains("adopted state #0"), e.getMessage());
        assertEquals(1, p.estimate("a", NOW).invocations());
    }
}
