package org.layerswap.itests.soak;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;

/**
 * The fault sequence against a real {@link SoakRegistry} (Debian's docker-registry) and a scripted appliance that
 * answers as the booted one does: fetches work while the registry runs and fail while it is stopped.
 */
public class RegistryFaultsTest {

    private static final long LIFETIME_MILLIS = 3_000;

    /** An appliance whose answers follow the registry's state; its metrics count what it did. */
    private static class ScriptedAppliance implements RegistryFaults.Appliance {
        final SoakRegistry registry;
        final List<String> calls = new ArrayList<>();
        final AtomicInteger succeeded = new AtomicInteger();
        final AtomicInteger failedFetches = new AtomicInteger();
        final AtomicInteger fetched = new AtomicInteger();
        volatile boolean keepServing = true;

        ScriptedAppliance(SoakRegistry registry) {
            this.registry = registry;
        }

        @Override
        public synchronized String invoke(String function) {
            calls.add("invoke " + function + (registry.running() ? "" : " (registry down)"));
            if (!registry.running()) {
                failedFetches.incrementAndGet();
                return "{\"status\":\"NOT_RUN\",\"onDemandLayers\":2,\"detail\":\"no root to run in: registry "
                        + registry.url() + " is backed off\",\"coldStart\":{\"layerWaitMicros\":0}}";
            }
            fetched.addAndGet(2);
            return "{\"status\":\"SUCCEEDED\",\"onDemandLayers\":2,\"detail\":\"\",\"coldStart\":{\"layerWaitMicros\":4100000}}";
        }

        @Override
        public synchronized String define(String function, String image) {
            calls.add("define " + function);
            return registry.running() ? "Function " + function + " -> " + image + " (3 layers)"
                    : "Error: cannot resolve image '" + image + "': " + registry.url() + " failed 4 attempts";
        }

        @Override
        public MetricsScrape scrape() {
            if (keepServing) {
                succeeded.incrementAndGet(); // the demo fleet keeps running between two scrapes
            }
            return MetricsScrape.parse("layerswap_executions_total{status=\"succeeded\"} " + succeeded.get() + "\n"
                    + "layerswap_fetches_total{source=\"on_demand\",outcome=\"failed\"} " + failedFetches.get() + "\n"
                    + "layerswap_fetches_total{source=\"on_demand\",outcome=\"succeeded\"} " + fetched.get() + "\n");
        }
    }

    private static List<String> images() {
        return List.of("soak-registry/fn-0:1", "soak-registry/fn-1:1", "soak-registry/fn-2:1", "soak-registry/fn-3:1");
    }

    @Test
    public void aRegistryThatServesIsStoppedAndRestartedWithEveryCheckPassing() throws Exception {
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "registry-faults-");
        try (SoakRegistry registry = SoakRegistry.start(work.resolve("registry"))) {
            ScriptedAppliance appliance = new ScriptedAppliance(registry);
            SoakReport report = new SoakReport(System.currentTimeMillis(), 9, 1);
            RegistryFaults faults = new RegistryFaults(registry, appliance, report, images(), LIFETIME_MILLIS);
            faults.start();
            faults.await(60_000);
            assertTrue("the registry runs again at the end", registry.running());
            assertEquals(List.of("define soak-registry-0", "define soak-registry-1", "invoke soak-registry-0",
                    "invoke soak-registry-1", "define soak-registry-2", "invoke soak-registry-2 (registry down)",
                    "define soak-registry-3", "define soak-registry-3", "invoke soak-registry-3"), appliance.calls);
            String md = report.markdown();
            assertTrue(md, md.contains("registry stopped") && md.contains("registry restarted")
                    && md.contains("link throttled to 256 KiB/s"));
        }
    }

    @Test
    public void anOutageInWhichNothingSucceedsFailsTheRunAndStillRestartsTheRegistry() throws Exception {
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "registry-faults-");
        try (SoakRegistry registry = SoakRegistry.start(work.resolve("registry"))) {
            ScriptedAppliance appliance = new ScriptedAppliance(registry) {
                @Override
                public synchronized String invoke(String function) {
                    if (!registry.running()) {
                        keepServing = false; // from the outage on, no execution succeeds any more
                    }
                    return super.invoke(function);
                }
            };
            RegistryFaults faults = new RegistryFaults(registry, appliance,
                    new SoakReport(System.currentTimeMillis(), 9, 1), images(), LIFETIME_MILLIS);
            faults.start();
            try {
                faults.await(60_000);
                fail("an outage that stopped every function passed");
            } catch (AssertionError expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("functions stopped serving"));
            }
            assertTrue("the registry is restarted even when a check failed", registry.running());
        }
    }

    @Test(expected = IllegalArgumentException.class)
    public void needsFourImages() throws Exception {
        new RegistryFaults(null, null, null, List.of("a:1"), LIFETIME_MILLIS);
    }
}
