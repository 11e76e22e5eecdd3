package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.layerswap.api.ApplianceControl;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.ImageConfig;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerStore;
import org.layerswap.api.RootLease;
import org.layerswap.api.SwapManager;
import org.layerswap.oci.format.OciLayoutWriter;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * In the booted appliance: functions declared from images of the local OCI layout; invocations of
 * one function make the profiler score another's layers, which the swap manager prefetches before
 * that function's first invocation; a never-seen function fetches on demand; switching the
 * filesystem backend at runtime drains a running invocation's root and leaves no mount behind.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SwapManagerIT extends ApplianceTestSupport {

    @Inject
    @Filter(timeout = 60_000)
    SwapManager swapManager;

    @Inject
    BehavioralProfiler profiler;

    @Inject
    LayerStore store;

    @Inject
    ApplianceControl control;

    @Inject
    ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] config() {
        return applianceOptions();
    }

    @Test
    public void prefetchAheadOnDemandFetchAndBackendSwitch() throws Exception {
        publishImages();
        List<LayerId> a = define("fn-a", "itest/fn-a:1");
        String added = executeCommand("layerswap:function-add fn-b itest/fn-b:1");
        assertTrue(added, added.contains("Function fn-b -> itest/fn-b:1 (2 layers)"));
        List<LayerId> b = swapManager.functionLayers().layersOf("fn-b");
        String badImage = executeCommand("layerswap:function-add fn-x itest/nope:9");
        assertTrue(badImage, badImage.contains("Error: cannot resolve image 'itest/nope:9'"));
        assertEquals("both images share the base layer", a.get(0), b.get(0));
        assertFalse("nothing is resident before any prediction", store.isResident(a.get(1)));

        // fn-a ran every 20 s for the last 10 minutes, last 10 s ago: it will surely run within the 5-min window, and
        // its next beat (in ~10 s) is due for the next-use planning's just-in-time prefetch
        long now = System.currentTimeMillis();
        for (int i = 30; i >= 1; i--) {
            profiler.record(InvocationEvent.of("fn-a", now - i * 20_000L + 10_000L));
        }
        assertTrue("fn-a's layers were not prefetched ahead of its invocation (score "
                        + profiler.score(a.get(1)).map(s -> s.score()).orElse(-1.0) + ")",
                waitFor(() -> a.stream().allMatch(store::isResident), 60, TimeUnit.SECONDS));

        String predictions = executeCommand("layerswap:predictions -k 5");
        assertTrue(predictions, predictions.startsWith("Predictor markov, window 300 s") && predictions.contains(a.get(1).digest()));
        String layers = executeCommand("layerswap:layers");
        assertTrue(layers, layers.startsWith("Storage ") && layers.contains(a.get(1).digest()));
        String badK = executeCommand("layerswap:predictions -k 0");
        assertTrue(badK, badK.contains("Error: -k must be between 1 and 1000, got 0"));
        String auto = executeCommand("layerswap:threshold auto");
        assertTrue(auto, auto.contains(", auto (the feedback controller sets it)"));
        assertTrue(control.thresholdAuto());
        String threshold = executeCommand("layerswap:threshold 0.4");
        assertTrue(threshold, threshold.startsWith("Threshold 0.400, fixed"));
        assertFalse("an operator's threshold must not be overridden by the controller", control.thresholdAuto());
        assertEquals(0.4, swapManager.threshold(), 1e-9);
        String badThreshold = executeCommand("layerswap:threshold high");
        assertTrue(badThreshold, badThreshold.contains("Error: threshold 'high' is not a number"));

        InvocationPlan planA = swapManager.handleInvocation("fn-a", Map.of());
        assertEquals("fn-a still waits for layers", List.of(), planA.missing());
        try (RootLease lease = swapManager.enter(planA, 30_000)) {
            assertEquals("a\n", Files.readString(lease.root().resolve("app/a.txt")));
            assertEquals("ID=itest\n", Files.readString(lease.root().resolve("etc/os-release")));
        }

        InvocationPlan planB = swapManager.handleInvocation("fn-b", Map.of());
        assertTrue("fn-b's own layer should be missing: " + planB.missing(), planB.missing().contains(b.get(1)));
        RootLease leaseB = swapManager.enter(planB, 60_000);
        assertEquals("b\n", Files.readString(leaseB.root().resolve("app/b.txt")));

        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            assertTrue("no overlay mount for the running invocation", overlayMounts() > 0);
        }

        // switch the backend while fn-b's invocation still runs on its root
        control.useBackend("copy");
        assertTrue("new invocations did not move to the copy backend", waitFor(() -> {
            try (RootLease l = swapManager.enter(swapManager.handleInvocation("fn-a", Map.of()), 30_000)) {
                return l.root().toString().contains("/copy/") && Files.isRegularFile(l.root().resolve("app/a.txt"));
            } catch (Exception e) {
                return false;
            }
        }, 60, TimeUnit.SECONDS));
        assertEquals("the running invocation lost its files", "b\n", Files.readString(leaseB.root().resolve("app/b.txt")));
        leaseB.close();

        // operator commands on the same state
        String functions = executeCommand("layerswap:functions");
        assertTrue(functions, functions.startsWith("2 function(s)") && functions.contains("fn-a") && functions.contains("2/2"));
        String refused = executeCommand("layerswap:prefetch fn-nope");
        assertTrue(refused, refused.contains("Error: 'fn-nope' is neither a defined function nor a layer digest; functions: fn-a, fn-b"));
        String nothing = executeCommand("layerswap:prefetch fn-a");
        assertTrue(nothing, nothing.contains("Nothing to prefetch for fn-a"));
        String swapped = executeCommand("layerswap:swap fn-a " + b.get(0) + " " + b.get(1));
        assertTrue(swapped, swapped.matches("(?s)Swap #\\d+ of fn-a \\(ATOMIC\\): SUCCEEDED.*"));
        assertEquals(b, swapManager.functionLayers().layersOf("fn-a"));
        String history = executeCommand("layerswap:swaps -n 5");
        assertTrue(history, history.contains("fn-a") && history.contains("SUCCEEDED"));
        // the prefetch queue: fn-a's layers came ahead by prediction, fn-b's own layer on demand
        String prefetches = executeCommand("layerswap:prefetches --limit 100");
        assertTrue(prefetches, prefetches.matches("(?s)\\d+ fetch\\(es\\) in flight.*\\d+ recent fetch\\(es\\), newest first.*"));
        String ahead = row(prefetches, a.get(1).digest());
        assertTrue(ahead, ahead.contains("| PREFETCH") && ahead.contains("| SUCCEEDED") && !ahead.contains("| ON_DEMAND"));
        String onDemand = row(prefetches, b.get(1).digest());
        assertTrue(onDemand, onDemand.contains("| fn-b") && onDemand.contains("| ON_DEMAND") && onDemand.contains("| SUCCEEDED")
                && onDemand.matches(".*\\|\\s+-\\s+\\|.*")); // on-demand fetches have no score
        assertTrue(prefetches, prefetches.contains("Bandwidth budget 1.50x LRU's bytes: ")); // etc/'s fetchBudgetVsLru
        String inFlightOnly = executeCommand("layerswap:prefetches --in-flight");
        assertFalse(inFlightOnly, inFlightOnly.contains("recent fetch"));
        String badLimit = executeCommand("layerswap:prefetches --limit 0");
        assertTrue(badLimit, badLimit.contains("Error: --limit must be between 1 and 10000, got 0"));
        String badShadow = executeCommand("layerswap:swap --shadow 150 fn-a " + b.get(0));
        assertTrue(badShadow, badShadow.contains("Error: --shadow must be a percentage in (0,100)"));

        parameterSelectedDataLayersAndTheCatalogSurviveARestartOfTheSwapBundle();

        assumeTrue("overlay mounts need root; running as " + System.getProperty("user.name"), root);
        assertTrue("overlay mounts left under " + fsRoot() + " after draining: " + overlayMounts(),
                waitFor(() -> overlayMounts() == 0, 60, TimeUnit.SECONDS));
    }

    /**
     * A data layer bound to {@code dataset=a} (by the shell's {@code layerswap:bind}) is mounted only into the roots of
     * invocations with that parameter; the function catalog (definitions and the binding) is restored from the store
     * when the swap bundle restarts; {@code layerswap:unbind} then removes the binding for good.
     */
    private void parameterSelectedDataLayersAndTheCatalogSurviveARestartOfTheSwapBundle() throws Exception {
        String bound = executeCommand("layerswap:bind fn-a dataset a itest/data-a:1");
        assertTrue(bound, bound.contains("Function fn-a: dataset=a -> itest/data-a:1 (1 data layer(s): "));
        List<LayerId> data = swapManager.dataLayerBindings("fn-a").get(0).layerIds();
        assertEquals("the data image adds one layer to fn-a's", 1, data.size());
        String listed = executeCommand("layerswap:bindings fn-a");
        assertTrue(listed, listed.startsWith("1 data layer binding(s) of fn-a") && row(listed, "itest/data-a:1").contains("dataset")
                && row(listed, "itest/data-a:1").contains(data.get(0).shortForm()));
        String unknown = executeCommand("layerswap:bind fn-nope dataset a itest/data-a:1");
        assertTrue(unknown, unknown.contains("Error: unknown function 'fn-nope'; defined functions: "));
        checkDataLayerMountedPerInvocation(swapManager);
        org.layerswap.api.FunctionDefinition fnA = swapManager.function("fn-a").orElseThrow();
        org.layerswap.api.FunctionDefinition fnB = swapManager.function("fn-b").orElseThrow();
        List<org.layerswap.api.DataLayerBinding> bindings = swapManager.dataLayerBindings(null);

        org.osgi.framework.Bundle swap = java.util.Arrays.stream(bundleContext.getBundles())
                .filter(b -> "org.layerswap.swap".equals(b.getSymbolicName())).findFirst().orElseThrow();
        swap.stop();
        swap.start();
        SwapManager[] restarted = new SwapManager[1];
        assertTrue("the swap manager did not come back after its bundle restarted", waitFor(() -> {
            org.osgi.framework.ServiceReference<SwapManager> ref = bundleContext.getServiceReference(SwapManager.class);
            restarted[0] = ref == null ? null : bundleContext.getService(ref);
            return restarted[0] != null && restarted[0] != swapManager && restarted[0].function("fn-a").isPresent();
        }, 60, TimeUnit.SECONDS));
        SwapManager after = restarted[0];
        assertEquals(fnA, after.function("fn-a").orElseThrow());
        assertEquals(fnB, after.function("fn-b").orElseThrow());
        assertEquals(bindings, after.dataLayerBindings(null));
        checkDataLayerMountedPerInvocation(after);

        String unbound = executeCommand("layerswap:unbind fn-a dataset a");
        assertTrue(unbound, unbound.contains("Function fn-a: dataset=a no longer selects itest/data-a:1 (1 data layer(s))"));
        assertEquals(List.of(), after.dataLayerBindings(null));
        assertEquals("dataset=a selects nothing any more", after.handleInvocation("fn-a", Map.of()).layers(),
                after.handleInvocation("fn-a", Map.of("dataset", "a")).layers());
        String again = executeCommand("layerswap:unbind fn-a dataset a");
        assertTrue(again, again.contains("Error: function fn-a has no data layer bound to dataset=a"));
        String none = executeCommand("layerswap:bindings");
        assertTrue(none, none.startsWith("0 data layer binding(s)"));
    }

    private static void checkDataLayerMountedPerInvocation(SwapManager m) throws Exception {
        InvocationPlan withData = m.handleInvocation("fn-a", Map.of("dataset", "a"));
        InvocationPlan plain = m.handleInvocation("fn-a", Map.of("dataset", "other"));
        assertEquals(plain.layers().size() + 1, withData.layers().size());
        try (RootLease d = m.enter(withData, 60_000); RootLease p = m.enter(plain, 60_000)) {
            assertEquals("data a\n", Files.readString(d.root().resolve("data/a.txt")));
            assertFalse("the data layer leaked into the function's own root", Files.exists(p.root().resolve("data/a.txt")));
            assertFalse(d.root().equals(p.root()));
        }
    }

    /** The one line of a command's table that mentions {@code needle}. */
    private static String row(String output, String needle) {
        List<String> rows = output.lines().filter(l -> l.contains(needle)).toList();
        assertEquals("rows mentioning " + needle + " in:\n" + output, 1, rows.size());
        return rows.get(0);
    }

    private List<LayerId> define(String fn, String image) throws Exception {
        return defineFunction(swapManager, fn, image);
    }

    private void publishImages() throws Exception {
        Path layout = Files.createTempDirectory("layerswap-itest-swap");
        OciLayoutWriter w = OciLayoutWriter.create(layout);
        OciLayoutWriter.LayerBlob base = w.addLayer(true, t -> t.directory("etc/", 0755).file("etc/os-release", "ID=itest\n"));
        OciLayoutWriter.LayerBlob codeA = w.addLayer(true, t -> t.directory("app/", 0755)
                .file("app/a.txt", 0644, "a\n".getBytes(StandardCharsets.UTF_8)));
        OciLayoutWriter.LayerBlob codeB = w.addLayer(true, t -> t.directory("app/", 0755)
                .file("app/b.txt", 0644, "b\n".getBytes(StandardCharsets.UTF_8)));
        ImageConfig cfg = new ImageConfig(List.of("/bin/true"), List.of(), List.of(), "/");
        w.addImage("itest/fn-a:1", List.of(base, codeA), cfg);
        w.addImage("itest/fn-b:1", List.of(base, codeB), cfg);
        OciLayoutWriter.LayerBlob dataA = w.addLayer(true, t -> t.directory("data/", 0755)
                .file("data/a.txt", 0644, "data a\n".getBytes(StandardCharsets.UTF_8)));
        w.addImage("itest/data-a:1", List.of(base, dataA), cfg); // a data image: base + one data layer
        org.osgi.service.cm.Configuration c = configurationAdmin.getConfiguration("org.layerswap.source.layout", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("path", layout.toString());
        c.update(props);
    }

    private static String fsRoot() {
        return Path.of(System.getProperty("karaf.data"), "fs").toString();
    }

    private static long overlayMounts() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .filter(l -> l.contains(" - overlay ") && l.contains(fsRoot()))
                    .count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
