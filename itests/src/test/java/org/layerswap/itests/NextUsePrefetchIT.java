package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.ImageConfig;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerStore;
import org.layerswap.api.PrefetchRecord;
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
 * Issue 13 live: the appliance's swap manager runs the replay's next-use planning. A timer function ticks every
 * {@value #PERIOD} ms of wall time and a filler function (a layer four times larger) runs {@value #FILLER_PHASE} ms
 * after each tick; the store's budget holds one of the two layers, not both. After a few ticks the timer's layer is
 * evicted after each tick (its next use is the farthest) and prefetched just in time before the next one: a PREFETCH
 * record for its layer started and finished before the tick, the tick's invocation misses nothing, and
 * {@code GET /layerswap/api/prefetches} (the dashboard's prefetch queue) shows that prefetch.
 *
 * <p>Roots are not composed ahead ({@code composeAhead=false}) and the test does not enter roots: a composed root
 * pins its layers in the store, which no eviction may then take. The cost model's per-fetch latency is raised so the
 * just-in-time start leaves time for a loaded machine.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NextUsePrefetchIT extends ApplianceTestSupport {

    static final long PERIOD = 16_000;
    static final long FILLER_PHASE = 5_000;
    static final int TIMER_BYTES = 200 * 1024;
    static final int FILLER_BYTES = 800 * 1024;

    @Inject
    @Filter(timeout = 60_000)
    SwapManager swapManager;

    @Inject
    BehavioralProfiler profiler;

    @Inject
    LayerStore store;

    @Inject
    ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] config() {
        return applianceOptions(
                editConfigurationFilePut("etc/org.layerswap.store.cfg", "budgetBytes", Long.toString(900 * 1024)),
                editConfigurationFilePut("etc/org.layerswap.swap.cfg", "decisionIntervalSeconds", "2"),
                editConfigurationFilePut("etc/org.layerswap.swap.cfg", "rttMillis", "1500"),
                editConfigurationFilePut("etc/org.layerswap.swap.cfg", "composeAhead", "false"));
    }

    @Test
    public void aTimersLayerIsEvictedAfterEachTickAndPrefetchedJustBeforeTheNext() throws Exception {
        publishImages();
        LayerId timer = define("fn-timer", "itest/timer:1").get(0);
        LayerId filler = define("fn-filler", "itest/filler:1").get(0);

        long t0 = System.currentTimeMillis() + 6_000;
        for (int k = 10; k >= 1; k--) { // what the profiler learned before: both ran at their beat
            profiler.record(InvocationEvent.of("fn-timer", t0 - k * PERIOD));
            profiler.record(InvocationEvent.of("fn-filler", t0 - k * PERIOD + FILLER_PHASE));
        }
        int checked = 0;
        for (int cycle = 0; cycle < 5; cycle++) {
            int c = cycle;
            long tick = t0 + c * PERIOD;
            sleepUntil(tick);
            profiler.record(InvocationEvent.of("fn-timer", tick));
            InvocationPlan plan = swapManager.handleInvocation("fn-timer", Map.of());
            if (c >= 2) {
                assertEquals("tick " + c + ": the timer's layer was not prefetched in time: " + history(), List.of(), plan.missing());
                PrefetchRecord p = prefetchBefore(timer, tick).orElseThrow(() -> new AssertionError(
                        "tick " + c + ": no finished PREFETCH of the timer's layer started in the last period: " + history()));
                assertTrue("tick " + c + ": the prefetch finished after the tick: " + p,
                        p.startedMillis() + p.durationMicros() / 1000 <= tick);
                String queue = http("GET", "/layerswap/api/prefetches?limit=100", ADMIN).body();
                String entry = entry(queue, p.id());
                assertTrue(entry, entry.contains("\"layer\":\"" + timer.digest() + "\"") && entry.contains("\"function\":\"fn-timer\"")
                        && entry.contains("\"priority\":\"PREFETCH\"") && entry.contains("\"outcome\":\"SUCCEEDED\""));
                checked++;
            }
            sleepUntil(tick + FILLER_PHASE);
            profiler.record(InvocationEvent.of("fn-filler", tick + FILLER_PHASE));
            swapManager.handleInvocation("fn-filler", Map.of());
            if (c >= 1) {
                long before = tick + PERIOD - 5_000 - System.currentTimeMillis(); // before the next prefetch may start
                assertTrue("tick " + c + ": the timer's layer stayed resident after its tick (filler resident: "
                        + store.isResident(filler) + "): " + history(),
                        waitFor(() -> !store.isResident(timer) && store.isResident(filler), Math.max(1, before), TimeUnit.MILLISECONDS));
            }
        }
        assertEquals(3, checked);
    }

    private Optional<PrefetchRecord> prefetchBefore(LayerId layer, long tick) {
        return swapManager.prefetchHistory(100).stream()
                .filter(r -> r.layer().equals(layer) && r.priority() == FetchPriority.PREFETCH && r.succeeded()
                        && r.startedMillis() > tick - PERIOD && r.startedMillis() < tick)
                .findFirst();
    }

    private String history() {
        StringBuilder b = new StringBuilder();
        for (PrefetchRecord r : swapManager.prefetchHistory(20)) {
            b.append("\n  ").append(r.layer().shortForm()).append(' ').append(r.functionId()).append(' ').append(r.priority())
                    .append(" started ").append(r.startedMillis()).append(" took ").append(r.durationMicros() / 1000).append(" ms ")
                    .append(r.succeeded() ? "ok" : "failed: " + r.detail());
        }
        return b.toString();
    }

    /** The JSON object of one fetch record by id (flat: no nested objects). */
    private static String entry(String body, long id) {
        Matcher m = Pattern.compile("\\{\"id\":" + id + ",[^{}]*}").matcher(body);
        assertTrue("no record " + id + " in " + body, m.find());
        return m.group();
    }

    private static void sleepUntil(long wallMillis) throws InterruptedException {
        long d = wallMillis - System.currentTimeMillis();
        if (d > 0) {
            Thread.sleep(d);
        }
    }

    private List<LayerId> define(String fn, String image) throws Exception {
        return defineFunction(swapManager, fn, image);
    }

    private void publishImages() throws Exception {
        Path layout = Files.createTempDirectory("layerswap-itest-nextuse");
        OciLayoutWriter w = OciLayoutWriter.create(layout);
        Random random = new Random(13);
        byte[] t = new byte[TIMER_BYTES];
        random.nextBytes(t);
        byte[] f = new byte[FILLER_BYTES];
        random.nextBytes(f);
        OciLayoutWriter.LayerBlob timerLayer = w.addLayer(true, l -> l.directory("app/", 0755).file("app/timer.bin", 0644, t));
        OciLayoutWriter.LayerBlob fillerLayer = w.addLayer(true, l -> l.directory("app/", 0755).file("app/filler.bin", 0644, f));
        ImageConfig cfg = new ImageConfig(List.of("/bin/true"), List.of(), List.of(), "/");
        w.addImage("itest/timer:1", List.of(timerLayer), cfg);
        w.addImage("itest/filler:1", List.of(fillerLayer), cfg);
        org.osgi.service.cm.Configuration c = configurationAdmin.getConfiguration("org.layerswap.source.layout", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("path", layout.toString());
        c.update(props);
    }
}
