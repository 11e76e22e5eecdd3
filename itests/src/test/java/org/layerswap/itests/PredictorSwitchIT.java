package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.layerswap.api.ApplianceControl;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.FunctionProfile;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;

/**
 * While events flow into the profiler, the predictor is switched by configuration, by stopping and
 * starting a predictor bundle, and by dropping a replacement bundle into deploy/ and deleting it:
 * scores keep coming, and every event recorded is in the profiles afterwards (none lost).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PredictorSwitchIT extends ApplianceTestSupport {

    private static final int FUNCTIONS = 40;

    @Inject
    @Filter(timeout = 60_000)
    BehavioralProfiler profiler;

    @Inject
    ApplianceControl control;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicReference<Throwable> feederFailure = new AtomicReference<>();
    private final List<Long> scoreTimestamps = new ArrayList<>();
    private Thread feeder;

    @Configuration
    public Option[] config() {
        return applianceOptions();
    }

    @Before
    public void startEvents() {
        Map<String, List<LayerId>> layers = new LinkedHashMap<>();
        for (int f = 0; f < FUNCTIONS; f++) {
            layers.put("fn-" + f, List.of(layer(1000), layer(2000 + f % 5), layer(f)));
        }
        profiler.updateFunctionLayers(FunctionLayerMap.of(layers));
        feeder = new Thread(() -> {
            try {
                long i = 0;
                while (running.get()) {
                    profiler.record(InvocationEvent.of("fn-" + (i % FUNCTIONS), System.currentTimeMillis()));
                    recorded.incrementAndGet();
                    i++;
                    if (i % 200 == 0) {
                        Thread.sleep(1);
                    }
                }
            } catch (Throwable t) {
                feederFailure.set(t);
            }
        }, "itest-event-feeder");
        feeder.start();
    }

    @After
    public void stopEvents() throws Exception {
        running.set(false);
        feeder.join(10_000);
    }

    @Test
    public void switchingByConfigAndByBundleLosesNoEvent() throws Exception {
        switchTo("histogram");
        switchTo("encog");
        switchTo("markov");

        Bundle markov = bundle("org.layerswap.predictor.markov");
        markov.stop();
        awaitActive("histogram"); // configured markov is gone: the highest ranking remaining wins
        sampleScores();
        markov.start();
        awaitActive("markov");
        sampleScores();

        finishAndCheckNoEventLost();
    }

    @Test
    public void editingTheConfigFileWhileRunningSwitchesThePredictor() throws Exception {
        Path cfg = Path.of(System.getProperty("karaf.etc"), "org.layerswap.profiler.cfg");
        String original = Files.readString(cfg);
        assertTrue("shipped config does not name markov:\n" + original, original.matches("(?s).*\\npredictor\\s*=\\s*markov\\b.*"));
        Files.writeString(cfg, original.replaceFirst("\\npredictor\\s*=\\s*markov\\b", "\npredictor = histogram"));
        awaitActive("histogram"); // fileinstall -> Config Admin -> profiler @Modified
        sampleScores();
        assertEquals("histogram", control.configuredPredictor());
        finishAndCheckNoEventLost();
    }

    @Test
    public void replacementPredictorDroppedIntoDeployTakesOverAndFallsBack() throws Exception {
        Path jar = Path.of(System.getProperty("layerswap.smoothingJar"));
        assertTrue("sample predictor jar missing: " + jar, Files.isRegularFile(jar));
        Path deployed = Path.of(System.getProperty("karaf.base"), "deploy", jar.getFileName().toString());
        Files.copy(jar, deployed, StandardCopyOption.REPLACE_EXISTING);
        assertTrue("the deployed predictor did not register",
                waitFor(() -> control.predictors().stream().anyMatch(p -> p.name().equals("smoothing")), 60, TimeUnit.SECONDS));
        switchTo("smoothing");
        Files.delete(deployed);
        assertTrue("the deployed predictor did not go away",
                waitFor(() -> control.predictors().stream().noneMatch(p -> p.name().equals("smoothing")), 60, TimeUnit.SECONDS));
        awaitActive("markov"); // configured 'smoothing' is gone: highest ranking wins
        sampleScores();
        finishAndCheckNoEventLost();
    }

    private void switchTo(String name) throws Exception {
        control.usePredictor(name);
        awaitActive(name);
        sampleScores();
    }

    private void awaitActive(String name) throws InterruptedException {
        assertTrue("profiler did not switch to " + name + " (active: " + profiler.activePredictor() + ")",
                waitFor(() -> name.equals(profiler.activePredictor()), 30, TimeUnit.SECONDS));
    }

    /** Scores keep coming: non-empty, and newer than the previous sample. */
    private void sampleScores() throws InterruptedException {
        long before = recorded.get();
        assertTrue("events stopped flowing", waitFor(() -> recorded.get() > before + 500, 30, TimeUnit.SECONDS));
        long newest = profiler.topK(10).stream().mapToLong(s -> s.timestampMillis()).max().orElse(-1);
        assertFalse("no scores under predictor " + profiler.activePredictor(), profiler.topK(10).isEmpty());
        if (!scoreTimestamps.isEmpty()) {
            assertTrue("scores stopped updating", newest >= scoreTimestamps.get(scoreTimestamps.size() - 1));
        }
        scoreTimestamps.add(newest);
    }

    private void finishAndCheckNoEventLost() throws Exception {
        running.set(false);
        feeder.join(10_000);
        assertEquals("event feeder failed: " + feederFailure.get(), null, feederFailure.get());
        long inProfiles = 0;
        for (int f = 0; f < FUNCTIONS; f++) {
            FunctionProfile p = profiler.profiles().profile("fn-" + f);
            inProfiles += p == null ? 0 : p.invocationCount();
        }
        assertTrue("no events were recorded", recorded.get() > 1000);
        assertEquals("events recorded vs events in the profiles", recorded.get(), inProfiles);
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : bundleContext.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(bsn + " is not installed");
    }

    private static LayerId layer(int n) {
        return LayerId.of("sha256:" + String.format("%064x", n));
    }
}
