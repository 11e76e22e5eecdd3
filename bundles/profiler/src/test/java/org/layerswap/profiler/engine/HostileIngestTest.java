package org.layerswap.profiler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;

/** The engine under ingest an attacker controls: random function ids and far-future timestamps. */
class HostileIngestTest {

    static final long SEC = 1000L;
    static final long YEAR = 365L * 24 * 3600 * SEC;

    static LayerId layer(int i) {
        return ProfilerEngineTest.layer(i);
    }

    /** a is followed by b on every invocation, c never follows: a known chain to compare against. */
    static long trainChain(ProfilerEngine e, long t) {
        for (int i = 0; i < 50; i++, t += 600 * SEC) {
            e.record(InvocationEvent.of("a", t));
            e.record(InvocationEvent.of("b", t + 2 * SEC));
            e.record(InvocationEvent.of("c", t + 300 * SEC));
        }
        return t;
    }

    @Test
    void aMillionRandomIdsKeepTheTrackedFunctionsAtTheCapAndDefinedOnesSurvive() {
        int cap = 5_000;
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults().withMaxTrackedFunctions(cap), null);
        Map<String, List<LayerId>> stacks = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            stacks.put("defined-" + i, List.of(layer(i)));
        }
        e.updateFunctionLayers(FunctionLayerMap.of(stacks));
        long t = 0;
        for (int i = 0; i < 50; i++) {
            e.record(InvocationEvent.of("defined-" + i, t++)); // the least recently seen of all from now on
        }
        Random r = new Random(1);
        int max = 0;
        for (int i = 0; i < 1_000_000; i++) {
            e.record(InvocationEvent.of(Long.toHexString(r.nextLong()), t++));
            if (i % 1000 == 0) {
                max = Math.max(max, e.profiles().functions().size());
            }
        }
        int tracked = e.profiles().functions().size();
        assertTrue(max <= cap + 50 && tracked <= cap + 50, "tracked " + tracked + ", at most " + max + " seen");
        assertTrue(tracked > cap - cap / FunctionEviction.BATCH_DIVISOR, "evicted in batches of 1/8, not wholesale: " + tracked);
        assertEquals(1_000_050 - tracked, e.functionsEvicted());
        for (int i = 0; i < 50; i++) {
            assertEquals(1, e.profiles().profile("defined-" + i).invocationCount(), "defined-" + i + " kept");
            assertTrue(e.score(layer(i)).isPresent(), "and scored");
        }
        for (String fn : e.profiles().functions()) {
            for (String follower : e.profiles().followers(fn).keySet()) {
                assertTrue(e.profiles().profile(follower) != null, fn + " names evicted follower " + follower);
            }
        }
        assertEquals(1_000_050, e.eventsRecorded());
    }

    @Test
    void aFarFutureEventDoesNotChangeOtherFunctionsFollowProbabilities() {
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), null);
        long t = trainChain(e, 0);
        Map<String, Double> before = e.profiles().followers("a");
        assertTrue(before.get("b") > 0.9, before.toString());
        long latest = e.snapshot().latestEventMillis();
        e.record(InvocationEvent.of("x", t + 100 * YEAR));
        e.record(InvocationEvent.of("a", Long.MAX_VALUE));
        assertEquals(before, e.profiles().followers("a"));
        assertEquals(2, e.futureEventsIgnored());
        assertNull(e.profiles().profile("x"));
        assertEquals(latest, e.snapshot().latestEventMillis(), "nothing from the future reaches the snapshot");
        e.record(InvocationEvent.of("a", t + 3_600 * SEC)); // within the skew: recorded
        assertEquals(2, e.futureEventsIgnored());
    }

    @Test
    void withAClockTheSkewIsMeasuredFromTheClock() {
        AtomicLong clock = new AtomicLong(50 * 600 * SEC);
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults().withClock(clock::get).withMaxFutureSkewMillis(60 * SEC), null);
        long t = trainChain(e, 0);
        assertEquals(clock.get(), t);
        assertEquals(0, e.futureEventsIgnored());
        Map<String, Double> before = e.profiles().followers("a");
        e.record(InvocationEvent.of("a", t + 61 * SEC));
        assertEquals(before, e.profiles().followers("a"));
        assertEquals(1, e.futureEventsIgnored());
        e.record(InvocationEvent.of("z", t + 59 * SEC));
        assertEquals(1, e.futureEventsIgnored());
        assertTrue(e.profiles().profile("z") != null);
    }

    @Test
    void restoringAPoisonedSnapshotDropsTheFutureAndLearnsAgain() {
        // what an engine without the guard persisted: one far-future event zeroed the model
        ProfilerEngine unguarded = new ProfilerEngine(ProfilerSettings.defaults().withMaxFutureSkewMillis(Long.MAX_VALUE), null);
        long t = trainChain(unguarded, 0);
        unguarded.record(InvocationEvent.of("x", t + 100 * YEAR));
        assertTrue(unguarded.profiles().followers("a").getOrDefault("b", 0.0) < 0.01, "the model was zeroed");
        ProfileSnapshot poisoned = unguarded.snapshot();

        AtomicLong clock = new AtomicLong(t);
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults().withClock(clock::get), null);
        e.restore(poisoned);
        assertNull(e.profiles().profile("x"), "the far-future function is dropped");
        assertEquals(50, e.profiles().profile("a").invocationCount(), "the others are kept");
        assertTrue(e.snapshot().latestEventMillis() <= t + e.settings().maxFutureSkewMillis());
        t += 600 * SEC;
        for (int i = 0; i < 20; i++, t += 600 * SEC) {
            clock.set(t);
            e.record(InvocationEvent.of("a", t));
            e.record(InvocationEvent.of("b", t + 2 * SEC));
        }
        clock.set(t);
        assertTrue(e.profiles().followers("a").getOrDefault("b", 0.0) > 0.9, "learns again: " + e.profiles().followers("a"));
        assertFalse(e.futureEventsIgnored() > 0);
    }

    @Test
    void theSteadyStateIngestPathAllocatesNothingWithTheBoundsInPlace() {
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults().withMaxTrackedFunctions(64), null);
        Map<String, List<LayerId>> stacks = new HashMap<>();
        for (int i = 0; i < 32; i++) {
            stacks.put("f" + i, List.of(layer(i), layer(100 + i % 4)));
        }
        e.updateFunctionLayers(FunctionLayerMap.of(stacks));
        InvocationEvent[] events = new InvocationEvent[400_000];
        Random r = new Random(5);
        for (int i = 0; i < events.length; i++) {
            events[i] = InvocationEvent.of("f" + r.nextInt(60), i * 50L); // 32 mapped, 28 unknown: under the cap
        }
        for (int i = 0; i < events.length / 2; i++) {
            e.record(events[i]); // learn every function and warm up the JIT
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = events.length / 2; i < events.length; i++) {
            e.record(events[i]);
        }
        long perEvent = (threads.getCurrentThreadAllocatedBytes() - before) / (events.length / 2);
        assertEquals(0, perEvent, "bytes allocated per event on the steady-state path");
        assertEquals(0, e.functionsEvicted());
        assertEquals(0, e.futureEventsIgnored());
    }
}
