package org.layerswap.profiler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SnapshotSanitiserTest {

    static final long FAR = 4_102_444_800_000L; // 2100-01-01

    static ProfileSnapshot.FunctionState fn(String id, long first, long last, double trigger, long triggerTime,
                                            List<ProfileSnapshot.FollowState> follows) {
        return new ProfileSnapshot.FunctionState(id, 3, first, last, new int[0], new long[0], new double[0], new double[0],
                1.5, Long.MIN_VALUE, new int[0], new int[0], Double.NaN, new double[24], trigger, triggerTime, follows,
                Map.of(), null);
    }

    @Test
    void aCleanSnapshotIsReturnedAsIs() {
        ProfileSnapshot s = new ProfileSnapshot(1, 2_000, 2_000, 9, List.of(fn("a", 0, 2_000, 2.0, 2_000,
                List.of(new ProfileSnapshot.FollowState("b", 1.0, 2_000, 1_000))), fn("b", 10, 1_500, 1.0, 2_000, List.of())));
        assertSame(s, SnapshotSanitiser.sanitise(s, 2_000, 1_000));
        assertSame(s, SnapshotSanitiser.sanitise(s, -1, 1_000));
    }

    @Test
    void farFutureFunctionsAreDroppedAndTimesClampedToTheReferencePlusSkew() {
        ProfileSnapshot s = new ProfileSnapshot(1, FAR, FAR, 9, List.of(
                fn("a", 0, 2_000, 0.0, FAR, List.of(new ProfileSnapshot.FollowState("b", 0.0, FAR, 1_000))),
                fn("future", FAR, FAR, 1.0, FAR, List.of())));
        ProfileSnapshot c = SnapshotSanitiser.sanitise(s, 3_000, 1_000);
        assertEquals(List.of("a"), c.functions().stream().map(ProfileSnapshot.FunctionState::functionId).toList());
        assertEquals(2_000, c.latestEventMillis(), "the latest kept invocation");
        assertEquals(4_000, c.takenAtMillis());
        assertEquals(4_000, c.functions().get(0).triggerTime());
        assertEquals(4_000, c.functions().get(0).followers().get(0).timeMillis());
        assertEquals(9, c.eventsRecorded());
    }

    @Test
    void nonFiniteOrNegativeCountsBecomeZeroEvenWithoutAReference() {
        ProfileSnapshot s = new ProfileSnapshot(1, 2_000, 2_000, 9, List.of(fn("a", 0, 2_000, Double.POSITIVE_INFINITY, 2_000,
                List.of(new ProfileSnapshot.FollowState("b", Double.NaN, 2_000, 1_000),
                        new ProfileSnapshot.FollowState("c", -3, 2_000, 1_000)))));
        ProfileSnapshot c = SnapshotSanitiser.sanitise(s, -1, 1_000);
        ProfileSnapshot.FunctionState a = c.functions().get(0);
        assertEquals(0.0, a.triggerCount());
        assertEquals(0.0, a.followers().get(0).value());
        assertEquals(0.0, a.followers().get(1).value());
        assertEquals(1.5, a.decayedCount());
    }
}
