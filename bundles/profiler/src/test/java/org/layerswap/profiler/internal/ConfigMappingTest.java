package org.layerswap.profiler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerswap.profiler.engine.ProfilerSettings;

class ConfigMappingTest {

    @Test
    void secondsBecomeMillisAndReadsNeverRescore() {
        ProfilerSettings s = ConfigMapping.settings(TestConfigs.config(Map.of("windowSeconds", 120L,
                "coOccurrenceWindowSeconds", 30L, "decayHalfLifeSeconds", 3600L, "rateHalfLifeSeconds", 600L,
                "notifyThreshold", 0.05, "maxRecentScan", 4)), ProfilerSettings.defaults());
        assertEquals(120_000L, s.windowMillis());
        assertEquals(30_000L, s.coOccurrenceWindowMillis());
        assertEquals(3_600_000L, s.decayHalfLifeMillis());
        assertEquals(600_000L, s.rateHalfLifeMillis());
        assertEquals(0.05, s.notifyThreshold());
        assertEquals(4, s.maxRecentScan());
        assertEquals(0, s.autoRescoreMillis(), "the component's timer rescores");
    }

    @Test
    void anInvalidValueKeepsThePreviousSettingAndOnlyThat() {
        ProfilerSettings previous = ProfilerSettings.defaults().withWindowMillis(42_000);
        ProfilerSettings s = ConfigMapping.settings(TestConfigs.config(Map.of("windowSeconds", 0L,
                "rateHalfLifeSeconds", 400L * 24 * 3600, "notifyThreshold", 2.0, "maxRecentScan", 5000,
                "coOccurrenceWindowSeconds", 10L)), previous);
        assertEquals(42_000L, s.windowMillis(), "0 s: previous kept");
        assertEquals(previous.rateHalfLifeMillis(), s.rateHalfLifeMillis(), "over a year: previous kept");
        assertEquals(previous.notifyThreshold(), s.notifyThreshold(), "not in [0,1]: previous kept");
        assertEquals(previous.maxRecentScan(), s.maxRecentScan(), "over 1024: previous kept");
        assertEquals(10_000L, s.coOccurrenceWindowMillis(), "the valid value beside them applies");
    }

    @Test
    void ingestBoundsAreReadWithOneHourSkewByDefaultAndInvalidOnesKeepThePrevious() {
        ProfilerSettings d = ConfigMapping.settings(TestConfigs.config(Map.of()), ProfilerSettings.defaults());
        assertEquals(100_000, d.maxTrackedFunctions());
        assertEquals(3_600_000L, d.maxFutureSkewMillis());
        ProfilerSettings s = ConfigMapping.settings(TestConfigs.config(Map.of("maxTrackedFunctions", 500,
                "maxFutureSkewSeconds", 60L)), ProfilerSettings.defaults());
        assertEquals(500, s.maxTrackedFunctions());
        assertEquals(60_000L, s.maxFutureSkewMillis());
        ProfilerSettings bad = ConfigMapping.settings(TestConfigs.config(Map.of("maxTrackedFunctions", 0,
                "maxFutureSkewSeconds", -1L)), s);
        assertEquals(500, bad.maxTrackedFunctions(), "0: previous kept");
        assertEquals(60_000L, bad.maxFutureSkewMillis(), "negative: previous kept");
    }

    @Test
    void theSnapshotFileDefaultsToKarafData() {
        String before = System.getProperty("karaf.data");
        System.setProperty("karaf.data", "/var/lib/karaf-data");
        try {
            assertEquals(Paths.get("/var/lib/karaf-data", "layerswap", "profiler.snapshot"),
                    ConfigMapping.snapshotPath(TestConfigs.config(Map.of())));
        } finally {
            if (before == null) {
                System.clearProperty("karaf.data");
            } else {
                System.setProperty("karaf.data", before);
            }
        }
        assertEquals(Path.of("/tmp/x.snapshot"), ConfigMapping.snapshotPath(TestConfigs.config(Map.of("snapshotFile", " /tmp/x.snapshot "))));
    }

    @Test
    void aNonPositiveRescoreIntervalFallsBackToFiveSeconds() {
        assertEquals(5, ConfigMapping.rescoreSeconds(TestConfigs.config(Map.of("rescoreIntervalSeconds", 0L))));
        assertEquals(9, ConfigMapping.rescoreSeconds(TestConfigs.config(Map.of("rescoreIntervalSeconds", 9L))));
    }
}
