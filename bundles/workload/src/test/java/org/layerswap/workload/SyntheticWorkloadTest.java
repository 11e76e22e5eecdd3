package org.layerswap.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.workload.SyntheticWorkload.FunctionSpec;
import org.layerswap.workload.SyntheticWorkload.Pattern;

class SyntheticWorkloadTest {

    static SyntheticWorkload w;
    static List<InvocationEvent> events;
    static Map<String, List<Long>> times = new HashMap<>();

    @BeforeAll
    static void generate() {
        w = SyntheticWorkload.of("days=3,functions=400,seed=11");
        events = TestFiles.drain(w.stream());
        for (InvocationEvent e : events) {
            times.computeIfAbsent(e.functionId(), k -> new ArrayList<>()).add(e.timestampMillis());
        }
    }

    @Test
    void sameSeedSameEventsOtherSeedOtherEvents() {
        List<InvocationEvent> again = new ArrayList<>();
        try (InvocationStream s = SyntheticWorkload.of("days=3,functions=400,seed=11").stream()) {
            for (int i = 0; i < 20_000 && s.hasNext(); i++) {
                again.add(s.next());
            }
        }
        assertEquals(events.subList(0, again.size()), again);
        List<InvocationEvent> other = new ArrayList<>();
        try (InvocationStream s = SyntheticWorkload.of("days=3,functions=400,seed=12").stream()) {
            for (int i = 0; i < 1000; i++) {
                other.add(s.next());
            }
        }
        assertNotEquals(events.subList(0, 1000), other);
    }

    @Test
    void streamIsInTimeOrderWithinTheHorizon() {
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).timestampMillis() >= events.get(i - 1).timestampMillis(), "order at " + i);
        }
        assertTrue(events.get(events.size() - 1).timestampMillis() < w.durationMillis());
    }

    @Test
    void everyPatternIsPresent() {
        Set<Pattern> seen = EnumSet.noneOf(Pattern.class);
        w.functions().forEach(f -> seen.add(f.pattern()));
        assertEquals(EnumSet.allOf(Pattern.class), seen);
    }

    @Test
    void timersArePeriodic() {
        int checked = 0;
        for (FunctionSpec f : w.functions()) {
            if (f.pattern() != Pattern.TIMER || f.periodMillis() > 15 * SyntheticWorkload.MINUTE) {
                continue;
            }
            List<Long> t = times.get(f.id());
            for (int i = 1; i < t.size(); i++) {
                long gap = t.get(i) - t.get(i - 1);
                assertTrue(Math.abs(gap - f.periodMillis()) <= 2000, f.id() + " gap " + gap);
            }
            checked++;
        }
        assertTrue(checked > 10);
    }

    @Test
    void httpLoadIsDiurnal() {
        double[] byHour = new double[24];
        for (FunctionSpec f : w.functions()) {
            if (f.pattern() == Pattern.HTTP) {
                for (long t : times.getOrDefault(f.id(), List.of())) {
                    byHour[(int) ((t % SyntheticWorkload.DAY) / SyntheticWorkload.HOUR)]++;
                }
            }
        }
        double peak = Math.max(byHour[13], Math.max(byHour[14], byHour[15]));
        double trough = Math.min(byHour[1], Math.min(byHour[2], byHour[3]));
        assertTrue(peak > 2 * trough, "peak " + peak + " trough " + trough);
    }

    @Test
    void burstsAreDenseRunsBetweenLongQuietGaps() {
        for (FunctionSpec f : w.functions()) {
            if (f.pattern() != Pattern.BURST) {
                continue;
            }
            List<Long> t = times.getOrDefault(f.id(), List.of());
            if (t.size() < 50) {
                continue;
            }
            long shortGaps = 0;
            long longGaps = 0;
            for (int i = 1; i < t.size(); i++) {
                long g = t.get(i) - t.get(i - 1);
                shortGaps += g < 15_000 ? 1 : 0;
                longGaps += g > 30 * SyntheticWorkload.MINUTE ? 1 : 0;
            }
            assertTrue(shortGaps > 0.8 * t.size(), f.id() + " short gaps " + shortGaps + "/" + t.size());
            assertTrue(longGaps >= 1, f.id());
            return;
        }
        throw new AssertionError("no burst function with 50 invocations");
    }

    @Test
    void chainFollowersRunSecondsAfterTheirLeader() {
        int checked = 0;
        for (FunctionSpec f : w.functions()) {
            if (f.pattern() != Pattern.CHAIN) {
                continue;
            }
            List<Long> follower = times.getOrDefault(f.id(), List.of());
            List<Long> leader = times.get(w.functions().get(f.leader()).id());
            if (follower.isEmpty() || leader == null) {
                continue;
            }
            int li = 0;
            for (long t : follower) {
                while (li + 1 < leader.size() && leader.get(li + 1) < t) {
                    li++;
                }
                long d = t - leader.get(li);
                assertTrue(d > 0 && d <= 30_000, f.id() + " delay " + d);
            }
            checked++;
        }
        assertTrue(checked >= 10, "chains checked " + checked);
    }

    @Test
    void mostFunctionsRunLessThanOnceAnHour() {
        double hours = w.durationMillis() / 3.6e6;
        long rare = w.functions().stream().filter(f -> times.getOrDefault(f.id(), List.of()).size() < hours).count();
        assertTrue(rare > 0.5 * w.functions().size(), "rare " + rare);
        assertTrue(rare < 0.75 * w.functions().size(), "rare " + rare);
    }

    @Test
    void parametersSelectDataLayers() {
        Set<String> values = new HashSet<>();
        int withParams = 0;
        for (InvocationEvent e : events) {
            if (e.params().containsKey("dataset")) {
                values.add(e.params().get("dataset"));
                withParams++;
            }
        }
        assertTrue(values.size() >= 3, values.toString());
        assertTrue(withParams > 1000);
        LayerModel m = new LayerModel(1);
        InvocationEvent e = events.stream().filter(x -> !x.params().isEmpty()).findFirst().orElseThrow();
        assertEquals(m.baseLayers(e.functionId()).size() + 1, m.layersFor(e).size());
        assertTrue(events.stream().map(InvocationEvent::tenant).distinct().count() > 5);
    }

    @Test
    void fourteenDayFleetHasTwoMillionInvocationsStreamed() {
        SyntheticWorkload big = SyntheticWorkload.of("days=14,functions=400,seed=1");
        long n = 0;
        try (InvocationStream s = big.stream()) {
            while (s.hasNext()) {
                s.next();
                n++;
            }
        }
        assertTrue(n >= 2_000_000, "invocations " + n);
        assertEquals(400, big.functions().size());
    }
}
