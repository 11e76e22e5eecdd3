package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

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
import org.layerswap.api.ExecutionResult;
import org.layerswap.api.FunctionExecutor;
import org.layerswap.api.SwapManager;
import org.layerswap.demo.images.SampleImages;
import org.layerswap.oci.format.OciLayoutWriter;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Real images end to end in the booted appliance: a busybox-static image built from Debian's package,
 * defined by shell command, executed in a bubblewrap sandbox on its OverlayFS root (layers fetched on
 * demand the first time, resident afterwards), with its parameters, output, exit status and cold-start
 * breakdown; a failing and a hanging function are reported and bounded, and the appliance keeps serving.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FunctionExecutionIT extends ApplianceTestSupport {

    @Inject
    @Filter(timeout = 60_000)
    SwapManager swapManager;

    @Inject
    @Filter(timeout = 60_000)
    FunctionExecutor executor;

    @Inject
    ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] config() {
        return applianceOptions(editConfigurationFilePut("etc/org.layerswap.executor.cfg", "timeoutMillis", "3000"));
    }

    @Test
    public void realImagesRunEndToEnd() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        assumeTrue("overlay roots and sandboxes need root; running as " + System.getProperty("user.name"), root);
        assertTrue("executor unavailable: " + executor.unavailableReason(), executor.isAvailable());
        publishImages();
        String added = executeCommand("layerswap:function-add exec-a itest-exec/a:1");
        assertTrue(added, added.contains("Function exec-a -> itest-exec/a:1 (3 layers)"));

        String first = executeCommand("layerswap:invoke exec-a user=7");
        assertTrue(first, first.contains(": SUCCEEDED (exit 0)"));
        assertTrue(first, first.contains("Fetched on demand: 3 layer(s)"));
        assertTrue(first, first.contains("start exec-a\nparams {\"user\":\"7\"}\nimage exec-a on exec-a\n"));
        assertTrue(first, first.contains("layer wait (pull, verify, unpack)") && first.contains("to first instruction"));

        ExecutionResult warm = executor.execute("exec-a", Map.of("dataset", "none"));
        assertEquals(warm.toString(), ExecutionResult.Status.SUCCEEDED, warm.status());
        assertEquals("layers are resident now", List.of(), warm.onDemandLayers());
        assertEquals(0, warm.coldStart().layerWaitMicros() / 1000);
        assertTrue(warm.stderr(), warm.stderr().contains("dataset none not mounted"));

        String failed = executeCommand("layerswap:invoke exec-a exit=3");
        assertTrue(failed, failed.contains(": FAILED (exit 3) - exited with status 3"));

        long t0 = System.nanoTime();
        ExecutionResult hung = executor.execute("exec-a", Map.of("work_ms", "60000"));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(hung.toString(), ExecutionResult.Status.TIMED_OUT, hung.status());
        assertTrue("a hanging function was not bounded by the 3 s timeout: " + tookMs + " ms", tookMs < 30_000);
        assertEquals("killed after the 3000 ms timeout", hung.detail());

        String unknown = executeCommand("layerswap:invoke nope");
        assertTrue(unknown, unknown.contains("Error: unknown function 'nope'; defined: exec-a, probe"));
        String badParam = executeCommand("layerswap:invoke exec-a novalue");
        assertTrue(badParam, badParam.contains("Error: parameter 'novalue' is not name=value"));

        ExecutionResult after = executor.execute("exec-a", Map.of());
        assertTrue("the appliance keeps serving after a failure and a timeout: " + after, after.succeeded());
        String history = executeCommand("layerswap:executions -n 10");
        assertTrue(history, history.contains("TIMED_OUT") && history.contains("FAILED") && history.contains("SUCCEEDED"));
        assertEquals(5, executor.recentExecutions(100).size());

        // the REST API: the same history, and an invocation with its output
        HttpResult list = http("GET", "/layerswap/api/executions?limit=10", ADMIN);
        assertEquals(list.body(), 200, list.status());
        assertTrue(list.body(), list.body().contains("\"status\":\"TIMED_OUT\"") && list.body().contains("\"toFirstInstructionMicros\""));
        HttpResult invoked = http("POST", "/layerswap/api/invoke?function=exec-a&param=user%3D9", ADMIN, "X-Requested-By", "layerswap");
        assertEquals(invoked.body(), 200, invoked.status());
        assertTrue(invoked.body(), invoked.body().contains("\"status\":\"SUCCEEDED\"")
                && invoked.body().contains("params {\\\"user\\\":\\\"9\\\"}"));
        HttpResult badInvoke = http("POST", "/layerswap/api/invoke?function=nope", ADMIN, "X-Requested-By", "layerswap");
        assertEquals(badInvoke.body(), 400, badInvoke.status());
        assertTrue(badInvoke.body(), badInvoke.body().contains("unknown function 'nope'"));
    }

    private void publishImages() throws Exception {
        Path layout = Files.createTempDirectory("layerswap-itest-exec");
        OciLayoutWriter w = OciLayoutWriter.create(layout);
        w.addImage("itest-exec/a:1", List.of(SampleImages.base(w), SampleImages.filler(w, "opt/runtime", 2 << 20, 7, false),
                SampleImages.handler(w, "exec-a")), SampleImages.HANDLER_CONFIG);
        org.osgi.service.cm.Configuration c = configurationAdmin.getConfiguration("org.layerswap.source.layout", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("path", layout.toString());
        c.update(props);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) { // the layout source picks up its new path asynchronously
            try {
                swapManager.defineFunction("probe", "itest-exec/a:1");
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
