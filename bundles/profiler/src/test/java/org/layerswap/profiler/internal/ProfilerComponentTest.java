package org.layerswap.profiler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;
import org.layerswap.profiler.engine.PoissonPredictor;
import org.osgi.framework.Constants;

/**
 * The DS adapter driven by hand, as SCR would: bind/unbind of predictor services (bundle start/stop,
 * deploy/ drops), configuration changes, activation with a snapshot, deactivation. No framework: the
 * EventAdmin publisher is skipped (null BundleContext), which the component tolerates.
 */
class ProfilerComponentTest {

    @TempDir
    Path dir;

    static Predictor predictor(String name, double p) {
        return new Predictor() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double probability(ProfileView v, String f, long now, long w) {
                return v.profile(f) == null ? 0 : p;
            }
        };
    }

    static Map<String, Object> props(String name, int ranking, long id) {
        Map<String, Object> m = new HashMap<>();
        m.put(Predictor.NAME_PROPERTY, name);
        m.put(Constants.SERVICE_RANKING, ranking);
        m.put(Constants.SERVICE_ID, id);
        return m;
    }

    ProfilerComponent.Config config(Map<String, Object> values) {
        Map<String, Object> v = new HashMap<>(values);
        v.putIfAbsent("snapshotFile", dir.resolve("profiler.snapshot").toString());
        return TestConfigs.config(v);
    }

    static LayerId layer(int i) {
        return LayerId.of(String.format("sha256:%064x", i));
    }

    @Test
    void picksByConfigElseHighestRankingAndFollowsServiceChanges() {
        ProfilerComponent c = new ProfilerComponent();
        Predictor histogram = predictor("histogram", 0.2);
        Predictor markov = predictor("markov", 0.4);
        Predictor encog = predictor("encog", 0.6);
        c.addPredictor(histogram, props("histogram", 100, 1)); // bound before activation, as SCR may
        c.activate(config(Map.of("predictor", "markov")), null);
        try {
            assertEquals("histogram", c.activePredictor(), "markov absent: highest ranking");
            c.updateFunctionLayers(FunctionLayerMap.of(Map.of("a", List.of(layer(1)))));
            c.record(InvocationEvent.of("a", System.currentTimeMillis()));
            assertEquals(0.2, c.score(layer(1)).orElseThrow().score(), 1e-12);

            c.addPredictor(markov, props("markov", 200, 2)); // bundle started / dropped into deploy/
            assertEquals("markov", c.activePredictor());
            assertEquals(0.4, c.score(layer(1)).orElseThrow().score(), 1e-12, "rescored on the switch");

            c.addPredictor(encog, props("encog", 50, 3));
            assertEquals("markov", c.activePredictor(), "encog is opt-in: lower ranking");
            c.modified(config(Map.of("predictor", "encog")));
            assertEquals("encog", c.activePredictor(), "switched by configuration");
            assertEquals(0.6, c.score(layer(1)).orElseThrow().score(), 1e-12);

            c.removePredictor(encog, props("encog", 50, 3)); // bundle stopped
            assertEquals("markov", c.activePredictor(), "configured one gone: highest ranking");
            c.removePredictor(markov, props("markov", 200, 2));
            c.removePredictor(histogram, props("histogram", 100, 1));
            assertEquals(PoissonPredictor.NAME, c.activePredictor(), "none left: built-in estimate");
            assertEquals(1, c.profiles().profile("a").invocationCount(), "profiles survive every switch");
        } finally {
            c.deactivate();
        }
    }

    @Test
    void switchingWhileEventsFlowLosesNothing() throws Exception {
        ProfilerComponent c = new ProfilerComponent();
        c.activate(config(Map.of("predictor", "markov")), null);
        Predictor histogram = predictor("histogram", 0.2);
        Predictor markov = predictor("markov", 0.4);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        Thread writer = new Thread(() -> {
            long t = System.currentTimeMillis();
            while (!stop.get()) {
                c.record(InvocationEvent.of("f" + (sent.get() % 5), t++));
                sent.incrementAndGet();
            }
        });
        writer.start();
        try {
            for (int i = 0; i < 200; i++) {
                c.addPredictor(histogram, props("histogram", 100, 1));
                c.addPredictor(markov, props("markov", 200, 2));
                c.modified(config(Map.of("predictor", i % 2 == 0 ? "histogram" : "markov")));
                c.removePredictor(markov, props("markov", 200, 2));
                c.removePredictor(histogram, props("histogram", 100, 1));
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        long counted = 0;
        for (int f = 0; f < 5; f++) {
            counted += c.profiles().profile("f" + f).invocationCount();
        }
        assertEquals(sent.get(), counted);
        assertTrue(sent.get() > 0);
        c.deactivate();
    }

    @Test
    void profilesSurviveARestartThroughTheSnapshotFile() throws Exception {
        Path file = dir.resolve("state/profiler.snapshot");
        ProfilerComponent c = new ProfilerComponent();
        c.activate(config(Map.of("snapshotFile", file.toString())), null);
        long t = System.currentTimeMillis() - 3_600_000;
        for (int i = 0; i < 100; i++) {
            c.record(InvocationEvent.of(i % 2 == 0 ? "a" : "b", t + i * 30_000L));
        }
        c.deactivate();
        assertTrue(Files.size(file) > 0, "snapshot written on deactivation");

        ProfilerComponent again = new ProfilerComponent();
        again.activate(config(Map.of("snapshotFile", file.toString())), null);
        try {
            assertEquals(50, again.profiles().profile("a").invocationCount());
            assertEquals(50, again.profiles().profile("b").invocationCount());
            assertEquals(t + 99 * 30_000L, again.profiles().profile("b").lastSeenMillis());
        } finally {
            again.deactivate();
        }
    }

    @Test
    void aCorruptSnapshotIsMovedAsideAndProfilingStartsEmpty() throws Exception {
        Path file = dir.resolve("profiler.snapshot");
        Files.writeString(file, "garbage that is not a snapshot");
        ProfilerComponent c = new ProfilerComponent();
        c.activate(config(Map.of("snapshotFile", file.toString())), null);
        try {
            assertTrue(c.profiles().functions().isEmpty());
            try (var s = Files.list(dir)) {
                List<String> names = s.map(p -> p.getFileName().toString()).toList();
                assertTrue(names.stream().anyMatch(n -> n.startsWith("profiler.snapshot.corrupt-")), names.toString());
                assertFalse(names.contains("profiler.snapshot"), names.toString());
            }
            c.record(InvocationEvent.of("a", System.currentTimeMillis()));
            assertEquals(1, c.profiles().profile("a").invocationCount());
        } finally {
            c.deactivate();
        }
        assertTrue(Files.exists(file), "a fresh snapshot replaces it on deactivation");
    }

    @Test
    void withTheClusterBoundEventsAreRoutedToItsOwnersAndWithoutItRecordedHereAsBefore() {
        PartitioningBindingTest.FakeCluster cluster = new PartitioningBindingTest.FakeCluster();
        ProfilerComponent c = new ProfilerComponent();
        c.bindPartitioning(cluster);
        c.activate(config(Map.of()), null);
        try {
            long now = System.currentTimeMillis();
            c.record(InvocationEvent.of("a", now));
            assertEquals(List.of(InvocationEvent.of("a", now)), cluster.ingested);
            assertEquals(null, c.profiles().profile("a"), "routed, not recorded by the router");
            cluster.attached.record(InvocationEvent.of("a", now));
            assertEquals(1, c.profiles().profile("a").invocationCount(), "the owner's record lands in this engine");
            assertEquals(0.75, c.functionProbability("remote"), "the owner's published estimate");
            c.unbindPartitioning(cluster);
            c.record(InvocationEvent.of("a", now + 1));
            assertEquals(2, c.profiles().profile("a").invocationCount(), "cluster gone: a single node again");
            assertEquals(1, cluster.ingested.size());
        } finally {
            c.deactivate();
        }
    }

    @Test
    void invalidSettingsAreRejectedByNameAndThePreviousKept() {
        ProfilerComponent c = new ProfilerComponent();
        c.activate(config(Map.of("windowSeconds", -5L, "coOccurrenceWindowSeconds", 30L)), null);
        try {
            assertEquals(300_000L, c.windowMillis(), "invalid window: default kept");
            c.modified(config(Map.of("windowSeconds", 120L)));
            assertEquals(120_000L, c.windowMillis());
            c.modified(config(Map.of("windowSeconds", 0L)));
            assertEquals(120_000L, c.windowMillis(), "invalid window: previous kept");
        } finally {
            c.deactivate();
        }
    }

    @Test
    void theBoundStateStoreKeepsProfilesAcrossARestartThatLostItsFile() throws Exception {
        SnapshotKeeperTest.FakeStore store = new SnapshotKeeperTest.FakeStore();
        ProfilerComponent c = new ProfilerComponent();
        c.bindStateStore(store); // SCR binds an available optional reference before activating
        c.activate(config(Map.of("snapshotFile", dir.resolve("first/profiler.snapshot").toString())), null);
        long t = System.currentTimeMillis() - 60_000;
        for (int i = 0; i < 10; i++) {
            c.record(InvocationEvent.of("a", t + i * 1000L));
        }
        c.deactivate();
        assertEquals(1, store.saves, "the last snapshot went to the store");

        ProfilerComponent again = new ProfilerComponent();
        again.activate(config(Map.of("snapshotFile", dir.resolve("second/profiler.snapshot").toString())), null);
        try {
            assertTrue(again.profiles().functions().isEmpty(), "no file, no store yet");
            again.bindStateStore(store); // the persistence bundle starts later
            assertEquals(10, again.profiles().profile("a").invocationCount());
            again.unbindStateStore(store);
        } finally {
            again.deactivate();
        }
        assertEquals(1, store.saves, "unbound: not written");
    }
}
