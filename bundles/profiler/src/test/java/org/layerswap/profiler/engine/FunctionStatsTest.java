package org.layerswap.profiler.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerswap.api.LayerId;

/** The per-function snapshot form: {@link FunctionStats#toState}, {@link FunctionStats#fromState}, followers. */
class FunctionStatsTest {

    static final double TAU = 7_200_000 / Math.log(2);

    static FunctionStats trained(String id) {
        FunctionStats f = new FunctionStats(id, TAU);
        long t = 3_600_000;
        for (int i = 0; i < 50; i++) {
            t += 20_000 + (i % 7) * 61_000L;
            f.recordInvocation(t);
        }
        f.lastParams = Map.of("model", "large");
        f.params = new ParameterModel();
        f.params.record(Map.of("model", "large"), List.of(ProfilerEngineTest.layer(2)));
        f.params.record(Map.of("model", "small"), List.of(ProfilerEngineTest.layer(3)));
        return f;
    }

    @Test
    void aFunctionRestoredFromItsStateReadsTheSame() {
        FunctionStats f = trained("f");
        long now = f.last + 1000;
        FunctionStats r = FunctionStats.fromState(f.toState(1.0, now), TAU, t -> 1.0);
        assertEquals(f.invocationCount(), r.invocationCount());
        assertEquals(f.firstSeenMillis(), r.firstSeenMillis());
        assertEquals(f.lastSeenMillis(), r.lastSeenMillis());
        assertEquals(f.idleTimeTotal(), r.idleTimeTotal());
        for (int b = 0; b < FunctionStats.IDLE_BINS; b++) {
            assertEquals(f.idleTimeCount(b), r.idleTimeCount(b), "bin " + b);
            assertEquals(f.idleTimeMeanMillis(b), r.idleTimeMeanMillis(b), 1e-9);
            assertEquals(f.idleTimeStdDevMillis(b), r.idleTimeStdDevMillis(b), 1e-9);
        }
        assertEquals(f.ratePerMinute(), r.ratePerMinute(), 1e-15);
        assertArrayEquals(f.recentMinuteCounts(now), r.recentMinuteCounts(now));
        assertArrayEquals(f.hourOfDayProfile(), r.hourOfDayProfile(), 1e-12);
        assertEquals(f.lastParams, r.lastParams);
        Map<String, String> large = Map.of("model", "large");
        assertEquals(f.params.estimate(large), r.params.estimate(large));
    }

    @Test
    void stateIsSparse() {
        FunctionStats f = new FunctionStats("f", TAU);
        f.recordInvocation(0);
        f.recordInvocation(90_000);
        var s = f.toState(1.0, 90_000);
        assertArrayEquals(new int[] {1}, s.idleBins(), "one gap of 90 s: bin 1 only");
        assertEquals(2, s.minuteSlots().length);
        assertNull(s.params());
    }

    @Test
    void coOccurrenceCountsAreStoredAsDecayedValuesAndRescaledOnRestore() {
        FunctionStats a = new FunctionStats("a", TAU);
        FunctionStats b = new FunctionStats("b", TAU);
        a.recordInvocation(1000);
        a.triggerScaled = 8.0;
        a.lastScale = 2.0;
        int k = a.addFollower(b, 4);
        a.followValues[k] = 6.0;
        a.followCredited[k] = 1000;
        var s = a.toState(2.0, 5000); // the index's scale is 2 at "now"
        assertEquals(4.0, s.triggerCount(), "actual decayed count as of now");
        assertEquals(5000, s.triggerTime());
        assertEquals(3.0, s.followers().get(0).value());
        // restored into an index whose scale at 5000 is 10
        FunctionStats ra = FunctionStats.fromState(s, TAU, t -> t == 5000 ? 10.0 : 5.0);
        assertEquals(40.0, ra.triggerScaled);
        assertEquals(5.0, ra.lastScale, "scale at the last invocation (1000)");
        FunctionStats rb = new FunctionStats("b", TAU);
        Map<String, FunctionStats> byId = new HashMap<>(Map.of("a", ra, "b", rb));
        ra.restoreFollowers(s.followers(), byId, 16, t -> t == 5000 ? 10.0 : 5.0);
        assertEquals(0, ra.followerIndex(rb));
        assertEquals(30.0, ra.followValues[0]);
        assertEquals(1000, ra.followCredited[0]);
        assertEquals(1, rb.inRows);
    }

    @Test
    void followersNamingUnknownFunctionsOrItselfAreDropped() {
        FunctionStats a = new FunctionStats("a", TAU);
        var follows = List.of(new ProfileSnapshot.FollowState("gone", 1.0, 0, -1),
                new ProfileSnapshot.FollowState("a", 1.0, 0, -1), new ProfileSnapshot.FollowState("b", 2.0, 0, -1));
        FunctionStats b = new FunctionStats("b", TAU);
        a.restoreFollowers(follows, Map.of("a", a, "b", b), 16, t -> 1.0);
        assertEquals(1, a.followCount);
        assertEquals(0, a.followerIndex(b));
        assertEquals(0, a.inRows, "a is not its own follower");
    }

    @Test
    void aRestoredRowKeepsTheSnapshotsSizeEvenAboveMaxFollowers() {
        FunctionStats a = new FunctionStats("a", TAU);
        Map<String, FunctionStats> byId = new HashMap<>(Map.of("a", a));
        List<ProfileSnapshot.FollowState> follows = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byId.put("f" + i, new FunctionStats("f" + i, TAU));
            follows.add(new ProfileSnapshot.FollowState("f" + i, 1.0, 0, -1));
        }
        a.restoreFollowers(follows, byId, 2, t -> 1.0);
        assertEquals(5, a.followCount);
    }

    @Test
    void theParameterModelRoundTripsThroughItsState() {
        ParameterModel pm = trained("f").params;
        ParameterModel back = ParameterModel.fromState(pm.toState());
        for (String v : List.of("large", "small", "unknown")) {
            Map<LayerId, Double> expected = pm.estimate(Map.of("model", v));
            assertEquals(expected, back.estimate(Map.of("model", v)), v);
        }
    }
}
