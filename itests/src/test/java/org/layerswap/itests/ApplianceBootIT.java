package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/** The appliance boots with every LayerSwap bundle active, the shell answers, and deploy/ works. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ApplianceBootIT extends ApplianceTestSupport {

    /** Bundles the core feature must bring; grows as modules land. */
    private static final Set<String> REQUIRED_BUNDLES = Set.of("org.layerswap.api", "org.layerswap.control", "org.layerswap.shell",
            "org.layerswap.webconsole", "org.layerswap.nativeio", "org.layerswap.store.layers", "org.layerswap.source.layout",
            "org.layerswap.workload", "org.layerswap.replay", "org.layerswap.profiler", "org.layerswap.predictor.histogram",
            "org.layerswap.predictor.markov", "org.layerswap.predictor.encog", "org.layerswap.persistence", "org.layerswap.feedback",
            "org.layerswap.fs.common", "org.layerswap.fs.overlay", "org.layerswap.fs.copy", "org.layerswap.swap", "org.layerswap.demo", "org.layerswap.routes",
            "org.layerswap.metrics");

    @Configuration
    public Option[] config() {
        return applianceOptions();
    }

    @Test
    public void everyLayerswapBundleIsActive() throws Exception {
        assertTrue("bundles did not all start: " + layerswapBundleStates(),
                waitFor(() -> layerswapBundles().stream().allMatch(b -> b.getState() == Bundle.ACTIVE), 60, TimeUnit.SECONDS));
        Set<String> names = layerswapBundles().stream().map(Bundle::getSymbolicName).collect(Collectors.toSet());
        assertTrue("missing bundles, have " + names, names.containsAll(REQUIRED_BUNDLES));
    }

    @Test
    public void platformBundlesAreActive() {
        for (String bsn : List.of("org.apache.camel.camel-core-engine", "com.h2database", "org.ops4j.pax.web.pax-web-jetty",
                "org.apache.karaf.webconsole.console", "org.apache.felix.scr")) {
            Bundle b = Arrays.stream(bundleContext.getBundles()).filter(x -> bsn.equals(x.getSymbolicName())).findFirst().orElse(null);
            assertNotNull(bsn + " is not installed", b);
            assertEquals(bsn + " is not active", Bundle.ACTIVE, b.getState());
        }
    }

    @Test
    public void statusCommandListsBundlesAndServices() throws Exception {
        String out = executeCommand("layerswap:status");
        for (String bsn : REQUIRED_BUNDLES) {
            assertTrue("status does not list " + bsn + ":\n" + out, out.contains(bsn));
        }
        assertTrue(out, out.matches("(?s).*LayerSwap bundles \\((\\d+), \\1 active\\).*"));
        for (String contract : List.of("LayerSource", "LayerStore", "Predictor", "BehavioralProfiler",
                "FilesystemBackend", "SwapManager", "FeedbackLoop")) {
            assertTrue("status does not report " + contract + ":\n" + out, out.contains(contract));
        }
        // every pipeline contract has an implementation registered in the booted appliance
        assertFalse("a pipeline service is missing:\n" + out, out.contains("(none registered)"));
        for (String name : List.of("layout", "markov", "histogram", "encog", "overlay", "copy")) {
            assertTrue("status does not list service " + name + ":\n" + out, out.contains(" " + name + " "));
        }
        String bundlesOnly = executeCommand("layerswap:status --bundles-only");
        assertFalse("--bundles-only still printed services:\n" + bundlesOnly, bundlesOnly.contains("Services"));
    }

    @Test
    public void predictorCommandsListAndRefuseUnknownNames() throws Exception {
        String list = executeCommand("layerswap:predictor-list");
        assertTrue(list, list.startsWith("Configured: "));
        assertTrue(list, list.contains("Name") && list.contains("Ranking"));
        String refused = executeCommand("layerswap:predictor-use no-such-predictor");
        assertTrue(refused, refused.contains("Error: unknown predictor 'no-such-predictor'; installed: "));
        assertFalse("a refused input must not print a stack trace:\n" + refused, refused.contains("\tat "));
    }

    @Test
    public void fsCommandsSwitchByConfigurationAndRefuseUnknownNames() throws Exception {
        String refused = executeCommand("layerswap:fs-use no-such-backend");
        assertTrue(refused, refused.contains("Error: unknown filesystem backend 'no-such-backend'; valid: auto"));
        String used = executeCommand("layerswap:fs-use auto");
        assertTrue(used, used.contains("Filesystem backend set to auto"));
        assertTrue("fs-list does not show the configured backend",
                waitFor(() -> {
                    try {
                        return executeCommand("layerswap:fs-list").startsWith("Configured: auto");
                    } catch (Exception e) {
                        return false;
                    }
                }, 10, TimeUnit.SECONDS));
    }

    @Test
    public void replayCommandRunsTheEvaluatorAndWritesAReport() throws Exception {
        Path out = Files.createTempDirectory("layerswap-itest-replay");
        String printed = executeCommand("layerswap:replay --budget 2GB --out " + out + " \"synthetic:days=1,functions=40,seed=7\"");
        assertTrue(printed, printed.matches("(?s).*\\d+ invocations, \\d+ functions, \\d+ layers.*invocations/s.*"));
        for (String policy : List.of("lru", "gdsf", "oracle")) {
            assertTrue("report lacks " + policy + ":\n" + printed, printed.toLowerCase().contains(policy));
        }
        assertTrue(Files.size(out.resolve("report.md")) > 500);
        try (var pngs = Files.list(out)) {
            assertTrue("no PNG charts in " + out, pngs.anyMatch(p -> p.toString().endsWith(".png")));
        }
        String refused = executeCommand("layerswap:replay nosuchformat:x");
        assertTrue(refused, refused.contains("Error: "));
        assertFalse(refused, refused.contains("\tat "));
    }

    @Test
    public void droppingABundleIntoDeployInstallsIt() throws Exception {
        Path jar = Path.of(System.getProperty("layerswap.deployTestJar"));
        assertTrue("test bundle missing: " + jar, Files.isRegularFile(jar));
        Path deploy = Path.of(System.getProperty("karaf.base"), "deploy");
        Path target = deploy.resolve(jar.getFileName());
        Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
        try {
            assertTrue("bundle dropped into " + deploy + " was not started",
                    waitFor(() -> bundleState("org.apache.commons.commons-io") == Bundle.ACTIVE, 30, TimeUnit.SECONDS));
        } finally {
            Files.delete(target);
        }
        assertTrue("bundle removed from deploy/ was not uninstalled",
                waitFor(() -> bundleState("org.apache.commons.commons-io") == -1, 30, TimeUnit.SECONDS));
    }

    private int bundleState(String bsn) {
        return Arrays.stream(bundleContext.getBundles()).filter(b -> bsn.equals(b.getSymbolicName()))
                .mapToInt(Bundle::getState).findFirst().orElse(-1);
    }

    private List<Bundle> layerswapBundles() {
        return Arrays.stream(bundleContext.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith("org.layerswap."))
                .toList();
    }

    private String layerswapBundleStates() {
        return layerswapBundles().stream().map(b -> b.getSymbolicName() + "=" + b.getState()).collect(Collectors.joining(", "));
    }

}
