package org.layerswap.predictor.encog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.ProfileView;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;

/**
 * A hostile ingest client names a new function in every event: the predictor's own per-function
 * state (the ids it samples training data from) stays within {@code maxTrackedFunctions}, like the
 * profiler's, while the functions that keep running stay sampled.
 */
class EncogFunctionFloodTest {

    @Test
    void aMillionDistinctFunctionIdsKeepTheTrackedIdsWithinTheCap() {
        int cap = 5_000;
        EncogPredictor encog = new EncogPredictor(EncogSettings.defaults().withBackground(false).withQueueCapacity(1_024)
                .withMaxTrackedFunctions(cap));
        // the steady function goes through the profiler (which calls observe); the flood is handed to observe()
        // directly, as the profiler would after keeping (its own cap, FunctionEvictionTest) or forgetting the id
        ProfilerEngine engine = new ProfilerEngine(ProfilerSettings.defaults(), encog);
        ProfileView view = engine.profiles();
        Random random = new Random(14);
        long t = 1_700_000_000_000L;
        int maxSeen = 0;
        for (int i = 0; i < 1_000_000; i++) {
            t += 10;
            if (i % 100 == 0) {
                engine.record(InvocationEvent.of("steady", t));
            } else {
                encog.observe(InvocationEvent.of("flood-" + Long.toHexString(random.nextLong()), t), view);
            }
            if (i % 50_000 == 0) {
                maxSeen = Math.max(maxSeen, encog.trackedFunctions());
            }
        }
        maxSeen = Math.max(maxSeen, encog.trackedFunctions());
        assertTrue(maxSeen <= cap, "tracked " + maxSeen + " ids with a cap of " + cap);
        assertEquals(cap, encog.trackedFunctions(), "the cap is used, not undercut");
        encog.trainNow();
        assertTrue(encog.status().idle(), "the trainer handled (or dropped) everything queued");
    }
}
