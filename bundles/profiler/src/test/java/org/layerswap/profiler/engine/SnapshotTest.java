package org.layerswap.profiler.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.FunctionProfile;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.profiler.testkit.SyntheticTrace;

class SnapshotTest {

    @TempDir
    Path dir;

    private ProfilerEngine trained() {
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), null);
        new SyntheticTrace(1, 0, 6 * 3_600_000L).chain("a", "b", 0.3, 0.8, 1000, 30_000).timer("t", 600_000, 0, 0)
                .poisson("p", 1.0).events().forEach(e::record);
        InvocationEvent ev = new InvocationEvent("ml", 6 * 3_600_000L, Map.of("model", "large"), "x");
        e.record(ev);
        e.recordLayerAccess(ev, List.of(ProfilerEngineTest.layer(7)));
        return e;
    }

    @Test
    void roundTripThroughAFileRestoresEveryProfile() throws IOException {
        ProfilerEngine e = trained();
        Path file = dir.resolve("sub/profiler.snapshot");
        SnapshotCodec.write(e.snapshot(), file);
        try (var s = Files.list(file.getParent())) {
            assertEquals(List.of(file), s.toList(), "no temporary file left behind");
        }
        ProfilerEngine r = new ProfilerEngine(ProfilerSettings.defaults(), null);
        r.restore(SnapshotCodec.read(file));
        assertEquals(e.eventsRecorded(), r.eventsRecorded());
        assertEquals(e.now(), r.now());
        for (String fn : List.of("a", "b", "t", "p", "ml")) {
            FunctionProfile x = e.profiles().profile(fn);
            FunctionProfile y = r.profiles().profile(fn);
            assertEquals(x.invocationCount(), y.invocationCount(), fn);
            assertEquals(x.firstSeenMillis(), y.firstSeenMillis(), fn);
            assertEquals(x.lastSeenMillis(), y.lastSeenMillis(), fn);
            assertEquals(x.idleTimeTotal(), y.idleTimeTotal(), fn);
            for (int b = 0; b < x.idleTimeBins(); b++) {
                assertEquals(x.idleTimeCount(b), y.idleTimeCount(b));
                assertEquals(x.idleTimeMeanMillis(b), y.idleTimeMeanMillis(b), 1e-9);
                assertEquals(x.idleTimeStdDevMillis(b), y.idleTimeStdDevMillis(b), 1e-6);
            }
            assertEquals(x.ratePerMinute(), y.ratePerMinute(), 1e-12, fn);
            assertArrayEquals(x.recentMinuteCounts(e.now()), y.recentMinuteCounts(e.now()), fn);
            assertArrayEquals(x.hourOfDayProfile(), y.hourOfDayProfile(), 1e-9, fn);
            assertEquals(e.profiles().followers(fn), r.profiles().followers(fn), fn);
            assertEquals(e.functionProbability(fn), r.functionProbability(fn), 1e-12, fn);
        }
        assertEquals(e.optionalLayers("ml", Map.of("model", "large")), r.optionalLayers("ml", Map.of("model", "large")));
        assertTrue(r.profiles().followers("a").get("b") > 0.6);
        // learning continues after the restore
        r.record(InvocationEvent.of("a", r.now() + 1000));
        assertEquals(e.profiles().profile("a").invocationCount() + 1, r.profiles().profile("a").invocationCount());
    }

    @Test
    void restoreKeepsTheLayerMapAndRescores() throws SnapshotException {
        ProfilerEngine e = trained();
        ProfilerEngine r = new ProfilerEngine(ProfilerSettings.defaults(), null);
        r.updateFunctionLayers(FunctionLayerMap.of(Map.of("p", List.of(ProfilerEngineTest.layer(1)))));
        assertEquals(0.0, r.score(ProfilerEngineTest.layer(1)).orElseThrow().score());
        r.restore(SnapshotCodec.decode(SnapshotCodec.encode(e.snapshot()), "memory"));
        assertTrue(r.score(ProfilerEngineTest.layer(1)).orElseThrow().score() > 0.9, r.scores().toString());
    }

    @Test
    void corruptSnapshotsAreReportedByName() throws IOException {
        byte[] good = SnapshotCodec.encode(trained().snapshot());
        Path file = dir.resolve("profiler.snapshot");

        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 0x40;
        Files.write(file, flipped);
        SnapshotException e1 = assertThrows(SnapshotException.class, () -> SnapshotCodec.read(file));
        assertTrue(e1.getMessage().contains(file.toString()) && e1.getMessage().contains("checksum"), e1.getMessage());

        Files.write(file, Arrays.copyOf(good, good.length / 3));
        SnapshotException e2 = assertThrows(SnapshotException.class, () -> SnapshotCodec.read(file));
        assertTrue(e2.getMessage().contains(file.toString()), e2.getMessage());

        Files.writeString(file, "{\"not\": \"a snapshot\"}");
        SnapshotException e3 = assertThrows(SnapshotException.class, () -> SnapshotCodec.read(file));
        assertTrue(e3.getMessage().contains("not a LayerSwap profile snapshot"), e3.getMessage());

        byte[] future = good.clone();
        future[7] = 99; // version field
        Files.write(file, future);
        SnapshotException e4 = assertThrows(SnapshotException.class, () -> SnapshotCodec.read(file));
        assertTrue(e4.getMessage().contains("version 99"), e4.getMessage());

        Files.write(file, new byte[3]);
        assertThrows(SnapshotException.class, () -> SnapshotCodec.read(file));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> SnapshotCodec.read(dir.resolve("absent")));
    }

    @Test
    void snapshotOfAnEmptyEngineRoundTrips() throws SnapshotException {
        ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), null);
        ProfileSnapshot s = SnapshotCodec.decode(SnapshotCodec.encode(e.snapshot()), "memory");
        assertEquals(0, s.functions().size());
        assertEquals(ProfileSnapshot.VERSION, s.version());
        LayerId l = ProfilerEngineTest.layer(3);
        e.restore(s);
        assertTrue(e.score(l).isEmpty());
    }
}
