package org.layerswap.profiler.internal;

import java.nio.file.Path;
import java.util.function.Supplier;

import org.layerswap.api.config.DataPaths;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the Metatype {@link ProfilerComponent.Config} (seconds, a file name) to the engine's
 * {@link ProfilerSettings} (milliseconds) and the snapshot path. An invalid value is logged by name and
 * the previous setting kept, one attribute at a time, so one bad value never resets the others.
 */
final class ConfigMapping {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigMapping.class);
    private static final long MAX_SECONDS = 365L * 24 * 3600;

    private ConfigMapping() {
    }

    /** Settings from config on top of {@code previous}; reads never rescore (the component's timer does). */
    static ProfilerSettings settings(ProfilerComponent.Config c, ProfilerSettings previous) {
        ProfilerSettings s = previous;
        s = attempt(s, () -> previous.withWindowMillis(seconds("windowSeconds", c.windowSeconds())));
        final ProfilerSettings s1 = s;
        s = attempt(s, () -> s1.withCoOccurrenceWindowMillis(
                seconds("coOccurrenceWindowSeconds", c.coOccurrenceWindowSeconds())));
        final ProfilerSettings s2 = s;
        s = attempt(s, () -> s2.withDecayHalfLifeMillis(seconds("decayHalfLifeSeconds", c.decayHalfLifeSeconds())));
        final ProfilerSettings s3 = s;
        s = attempt(s, () -> s3.withRateHalfLifeMillis(seconds("rateHalfLifeSeconds", c.rateHalfLifeSeconds())));
        final ProfilerSettings s4 = s;
        s = attempt(s, () -> s4.withNotifyThreshold(c.notifyThreshold()));
        final ProfilerSettings s5 = s;
        s = attempt(s, () -> {
            if (c.maxRecentScan() < 1 || c.maxRecentScan() > 1024) {
                throw new IllegalArgumentException("maxRecentScan must be between 1 and 1024, got " + c.maxRecentScan());
            }
            return s5.withMaxRecentScan(c.maxRecentScan());
        });
        final ProfilerSettings s6 = s;
        s = attempt(s, () -> s6.withMaxTrackedFunctions(c.maxTrackedFunctions()));
        final ProfilerSettings s7 = s;
        s = attempt(s, () -> s7.withMaxFutureSkewMillis(seconds("maxFutureSkewSeconds", c.maxFutureSkewSeconds())));
        return s.withAutoRescoreMillis(0);
    }

    /** The snapshot file: the configured one (relative to {@code ${karaf.data}}), else {@code ${karaf.data}/layerswap/profiler.snapshot}. */
    static Path snapshotPath(ProfilerComponent.Config c) {
        return DataPaths.resolve(c.snapshotFile() == null ? "" : c.snapshotFile().trim(), "layerswap/profiler.snapshot");
    }

    /** The rescore interval in seconds; an invalid one is logged and replaced by 5. */
    static long rescoreSeconds(ProfilerComponent.Config c) {
        if (c.rescoreIntervalSeconds() > 0) {
            return c.rescoreIntervalSeconds();
        }
        LOG.error("Invalid configuration {}: rescoreIntervalSeconds must be > 0, got {}; using 5", ProfilerComponent.PID,
                c.rescoreIntervalSeconds());
        return 5;
    }

    private static long seconds(String name, long v) {
        if (v <= 0 || v > MAX_SECONDS) {
            throw new IllegalArgumentException(name + " must be between 1 and " + MAX_SECONDS + " seconds, got " + v);
        }
        return v * 1000L;
    }

    private static ProfilerSettings attempt(ProfilerSettings fallback, Supplier<ProfilerSettings> f) {
        try {
            return f.get();
        } catch (IllegalArgumentException e) {
            LOG.error("Invalid configuration {}: {}; keeping the previous value", ProfilerComponent.PID, e.getMessage());
            return fallback;
        }
    }
}
