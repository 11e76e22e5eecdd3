package org.layerswap.profiler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;

class SnapshotMergeTest {

    private static ProfilerEngine engine(String fn, int n, long start) {
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), null);
        for (int k = 0; k < n; k++) {
            e.record(InvocationEvent.of(fn, start + k * 1000L));
            e.record(InvocationEvent.of("other", start + k * 1000L + 10));
        }
        return e;
    }

    @Test
    void splitCutsOneSnapshotPerNamedFunctionAndSkipsUnknownOnes() throws Exception {
        ProfileSnapshot s = engine("a", 3, 0).snapshot();
        Map<String, ProfileSnapshot> parts = SnapshotMerge.split(s, Set.of("a", "never-seen"));
        assertEquals(Set.of("a"), parts.keySet());
        ProfileSnapshot a = parts.get("a");
        assertEquals(1, a.functions().size());
        assertEquals(3, a.functions().get(0).count());
        assertEquals(s.latestEventMillis(), a.latestEventMillis());
        assertEquals(a.functions().get(0).count(), SnapshotCodec.decode(SnapshotCodec.encode(a), "t").functions().get(0).count());
    }

    @Test
    void mergeReplacesOrAddsTheIncomingFunctionsAndKeepsTheBaseCount() {
        ProfileSnapshot base = engine("a", 2, 0).snapshot();
        ProfileSnapshot incoming = SnapshotMerge.split(engine("a", 5, 50_000).snapshot(), Set.of("a", "other"))
                .values().stream().reduce((x, y) -> SnapshotMerge.merge(x, List.of(y))).orElseThrow();
        ProfileSnapshot merged = SnapshotMerge.merge(base, List.of(incoming));
        Map<String, Long> counts = new java.util.HashMap<>();
        merged.functions().forEach(f -> counts.put(f.functionId(), f.count()));
        assertEquals(Map.of("a", 5L, "other", 5L), counts);
        assertEquals(Math.max(base.latestEventMillis(), incoming.latestEventMillis()), merged.latestEventMillis());
        assertEquals(base.eventsRecorded(), merged.eventsRecorded());
    }

    @Test
    void withoutLeavesTheOtherFunctionsUntouched() {
        ProfileSnapshot s = engine("a", 2, 0).snapshot();
        ProfileSnapshot rest = SnapshotMerge.without(s, Set.of("a"));
        assertEquals(List.of("other"), rest.functions().stream().map(ProfileSnapshot.FunctionState::functionId).toList());
        assertEquals(s.eventsRecorded(), rest.eventsRecorded());
    }
}
