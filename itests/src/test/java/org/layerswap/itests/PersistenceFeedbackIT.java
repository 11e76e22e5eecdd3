package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.InvocationOutcome;
import org.layerswap.feedback.FeedbackControl;
import org.layerswap.persistence.api.PersistenceService;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;

/**
 * In the booted appliance: the H2 file database is created and migrated under data/, and an A/B
 * experiment run through the shell judges a truly better treatment as better and is stored.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PersistenceFeedbackIT extends ApplianceTestSupport {

    @Inject
    @Filter(timeout = 60_000)
    PersistenceService persistence;

    @Inject
    @Filter(timeout = 60_000)
    FeedbackLoop feedbackLoop;

    @Inject
    @Filter(timeout = 60_000)
    FeedbackControl feedbackControl;

    @Configuration
    public Option[] config() {
        return applianceOptions();
    }

    @Test
    public void databaseLivesUnderDataAndIsMigrated() {
        assertEquals("V1 initial schema + V2 function catalog", 2, persistence.schemaVersion());
        Path db = Path.of(System.getProperty("karaf.data"), "layerswap", "layerswap.mv.db");
        assertTrue("no H2 database file at " + db, Files.isRegularFile(db));
    }

    @Test
    public void experimentThroughTheShellFindsTheBetterArmAndIsStored() throws Exception {
        String started = executeCommand("layerswap:experiment --by invocation --min-samples 200 start itest-ab");
        assertTrue(started, started.startsWith("Started experiment "));

        Random noise = new Random(7);
        long now = System.currentTimeMillis();
        int treatment = 0;
        for (long seq = 0; seq < 4000; seq++) {
            String fn = "fn-" + (seq % 25);
            ExperimentArm arm = feedbackLoop.assign(fn, seq);
            // treatment (prefetched layers) waits ~20 ms for layers, control ~200 ms; execution alike
            long wait = arm == ExperimentArm.TREATMENT ? 20_000 : 200_000;
            treatment += arm == ExperimentArm.TREATMENT ? 1 : 0;
            feedbackLoop.record(new InvocationOutcome(fn, now + seq, arm,
                    Math.max(0, wait + (long) (noise.nextGaussian() * 10_000)),
                    Math.max(1_000, 50_000 + (long) (noise.nextGaussian() * 20_000)), false));
        }
        assertTrue("assignment put " + treatment + " of 4000 in treatment", treatment > 1600 && treatment < 2400);

        String report = executeCommand("layerswap:experiment report");
        assertTrue(report, report.contains("verdict: TREATMENT_BETTER"));
        String stopped = executeCommand("layerswap:experiment stop");
        assertTrue(stopped, stopped.contains("verdict: TREATMENT_BETTER"));
        String refused = executeCommand("layerswap:experiment launch");
        assertTrue(refused, refused.contains("Error: unknown action 'launch'; valid: start, stop, report"));
        assertFalse(refused, refused.contains("\tat "));

        assertTrue("writes did not flush", persistence.flush(Duration.ofSeconds(30)));
        assertTrue("experiment not stored", waitFor(() -> persistence.experiments().stream()
                .anyMatch(e -> e.toString().contains("itest-ab")), 30, java.util.concurrent.TimeUnit.SECONDS));
    }
}
