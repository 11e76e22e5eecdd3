package org.layerswap.itests.soak;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry faults of the soak's middle lifetime, run on their own thread while the driver keeps its schedule
 * (ingest, predictor and backend switches). The appliance pulls from {@link SoakRegistry} (its store and swap
 * manager on {@code (name=oci)}), which holds the demo's images and {@link SoakRegistry#writeImages} images
 * {@code soak-registry/fn-<i>:1} whose own layers no other image has, so running one fetches over the link.
 * Offsets are fractions of the lifetime's load time {@code L}:
 * <ol>
 *   <li>0: fn-0 and fn-1 are defined (resolved through the registry);</li>
 *   <li>0.10 L: fn-0 runs, fetching its layers on demand: the registry serves;</li>
 *   <li>0.20 L: the link is throttled to {@link #THROTTLE_BYTES_PER_SECOND}, fn-1 runs (its layer wait must show the
 *       throttle: at least half of its own layer's bytes at that rate), then the limit is lifted;</li>
 *   <li>0.40 L: fn-2 is defined, the registry is stopped; fn-2 runs and must either succeed from resident layers or
 *       fail with a non-empty detail, counted in the metrics (a failed fetch or a {@code not_run} execution); defining
 *       fn-3 must fail with an {@code Error:} naming the registry; the demo fleet must keep serving (succeeded
 *       executions grow across the outage);</li>
 *   <li>0.65 L: the registry is started again (same storage, new port behind the same link); fn-3 is defined and run
 *       until it succeeds with layers fetched on demand, and the metrics must count succeeded fetches again.</li>
 * </ol>
 * A failed check is kept and rethrown by {@link #await}.
 */
public final class RegistryFaults implements Runnable {

    /** The throttled link: 256 KiB/s. */
    public static final long THROTTLE_BYTES_PER_SECOND = 256 * 1024;
    /** Bytes of each soak image's own filler layer: 1 MiB, 4 s over the throttled link. */
    public static final long FILLER_BYTES = 1024 * 1024;
    public static final int IMAGES = 4;
    private static final String PREFIX = "soak-registry-";
    private static final Pattern STATUS = Pattern.compile("\"status\":\"([A-Z_]+)\"");
    private static final Pattern DETAIL = Pattern.compile("\"detail\":\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern ON_DEMAND = Pattern.compile("\"onDemandLayers\":(\\d+)");
    private static final Pattern LAYER_WAIT = Pattern.compile("\"layerWaitMicros\":(\\d+)");
    private static final Predicate<Map<String, String>> SUCCEEDED = l -> "succeeded".equals(l.get("status"));

    /** What the faults do to the appliance; implemented by the driver over REST and the shell. */
    public interface Appliance {
        /** The JSON of {@code POST /layerswap/api/invoke?function=...}. */
        String invoke(String function) throws Exception;

        /** What {@code layerswap:function-add function image} printed (errors included). */
        String define(String function, String image) throws Exception;

        /** The metrics now, or null when not served. */
        MetricsScrape scrape() throws Exception;
    }

    private final SoakRegistry registry;
    private final Appliance appliance;
    private final SoakReport report;
    private final List<String> images;
    private final long lifetimeMillis;
    private final Thread thread;
    private volatile Throwable failure;
    private long start;

    /** @param images the references {@link SoakRegistry#writeImages} pushed, at least {@link #IMAGES} */
    public RegistryFaults(SoakRegistry registry, Appliance appliance, SoakReport report, List<String> images, long lifetimeMillis) {
        if (images.size() < IMAGES) {
            throw new IllegalArgumentException("the registry faults need " + IMAGES + " soak images, got " + images);
        }
        this.registry = registry;
        this.appliance = appliance;
        this.report = report;
        this.images = images;
        this.lifetimeMillis = lifetimeMillis;
        this.thread = new Thread(this, "soak-registry-faults");
    }

    public void start() {
        start = System.currentTimeMillis();
        thread.start();
    }

    /** Waits for the sequence to end and rethrows what failed in it. */
    public void await(long timeoutMillis) throws Exception {
        thread.join(timeoutMillis);
        if (thread.isAlive()) {
            thread.interrupt();
            throw new AssertionError("the registry faults did not finish within " + timeoutMillis / 1000 + " s of the lifetime's end");
        }
        if (failure instanceof Exception e) {
            throw e;
        }
        if (failure != null) {
            throw (Error) failure;
        }
    }

    @Override
    public void run() {
        try {
            sequence();
        } catch (Throwable t) {
            failure = t;
            if (!registry.running()) { // never leave the appliance without its registry for the rest of the run
                try {
                    registry.restart();
                } catch (Exception e) {
                    t.addSuppressed(e);
                }
            }
            registry.link().throttle(0);
        }
    }

    private void sequence() throws Exception {
        define(0);
        define(1);
        at(0.10);
        String r = appliance.invoke(fn(0));
        check(status(r).equals("SUCCEEDED") && onDemand(r) > 0, fn(0) + " did not run on layers fetched from the registry: " + r);
        event(fn(0) + " ran on " + onDemand(r) + " layer(s) fetched from the registry (layer wait " + layerWaitMillis(r) + " ms)");

        at(0.20);
        registry.link().throttle(THROTTLE_BYTES_PER_SECOND);
        event("link throttled to " + THROTTLE_BYTES_PER_SECOND / 1024 + " KiB/s");
        try {
            r = appliance.invoke(fn(1));
        } finally {
            registry.link().throttle(0);
        }
        long minWait = FILLER_BYTES * 1000 / THROTTLE_BYTES_PER_SECOND / 2;
        check(status(r).equals("SUCCEEDED") && layerWaitMillis(r) >= minWait,
                fn(1) + " over the throttled link: expected success after a layer wait >= " + minWait + " ms: " + r);
        event(fn(1) + " ran over the throttled link (layer wait " + layerWaitMillis(r) + " ms); throttle lifted");

        at(0.40);
        define(2);
        MetricsScrape before = scrape();
        registry.stop();
        event("registry stopped");
        r = appliance.invoke(fn(2));
        String outcome = status(r);
        check(outcome.equals("SUCCEEDED") ? onDemand(r) == 0 : !detail(r).isBlank(),
                fn(2) + " during the outage neither ran on resident layers nor failed with a reason: " + r);
        event(fn(2) + " during the outage: " + outcome + (detail(r).isBlank() ? "" : " - " + detail(r)));
        String refused = appliance.define(fn(3), images.get(3));
        check(refused.contains("Error:") && refused.contains("127.0.0.1:" + registry.link().port()),
                "defining " + fn(3) + " while the registry is down did not fail with an error naming it ("
                        + registry.url() + "): " + refused);
        event("defining " + fn(3) + " during the outage: " + refused.strip().lines().findFirst().orElse(""));
        if (!outcome.equals("SUCCEEDED")) {
            double failedBefore = failedFetches(before) + notRun(before);
            awaitMetric(s -> failedFetches(s) + notRun(s) > failedBefore, "the failed invocation of " + fn(2) + " is not counted "
                    + "(layerswap_fetches_total{outcome=\"failed\"} or layerswap_executions_total{status=\"not_run\"})");
        }

        at(0.65);
        MetricsScrape during = scrape();
        check(succeeded(during) > succeeded(before), String.format(Locale.ROOT,
                "no execution succeeded during the registry outage (%.0f before, %.0f after): functions stopped serving",
                succeeded(before), succeeded(during)));
        report.figure("registry outage: executions succeeded / fetches failed during it", String.format(Locale.ROOT,
                "%.0f / %.0f", succeeded(during) - succeeded(before), failedFetches(during) - failedFetches(before)));
        registry.restart();
        long restarted = System.currentTimeMillis();
        event("registry restarted");
        awaitAfterRestart(restarted, during);
    }

    /** fn-3 is defined and run through the restarted registry (the client may report it down a little longer). */
    private void awaitAfterRestart(long restarted, MetricsScrape during) throws Exception {
        long deadline = restarted + 60_000;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            last = appliance.define(fn(3), images.get(3));
            if (!last.contains("Error:")) {
                String r = appliance.invoke(fn(3));
                check(status(r).equals("SUCCEEDED") && onDemand(r) > 0, fn(3) + " after the restart did not run on fetched layers: " + r);
                event(fn(3) + " defined and ran on " + onDemand(r) + " layer(s) fetched " + (System.currentTimeMillis() - restarted) / 1000
                        + " s after the registry restarted");
                double ok = fetched(during);
                awaitMetric(s -> fetched(s) > ok, "no fetch counted as succeeded after the registry restarted");
                return;
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("the registry was back but defining " + fn(3) + " kept failing for 60 s: " + last);
    }

    private void define(int i) throws Exception {
        String out = appliance.define(fn(i), images.get(i));
        check(out.contains("Function " + fn(i) + " -> " + images.get(i)), "defining " + fn(i) + " from the registry failed: " + out);
    }

    private void awaitMetric(Predicate<MetricsScrape> ok, String otherwise) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            MetricsScrape s = appliance.scrape();
            if (s != null && ok.test(s)) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(otherwise + " within 30 s");
    }

    private MetricsScrape scrape() throws Exception {
        MetricsScrape s = appliance.scrape();
        check(s != null, "the appliance served no metrics during the registry faults");
        return s;
    }

    private void at(double fraction) throws InterruptedException {
        long due = start + (long) (lifetimeMillis * fraction);
        long wait = due - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    private void event(String what) {
        report.event(System.currentTimeMillis(), what);
    }

    private static String fn(int i) {
        return PREFIX + i;
    }

    private static void check(boolean ok, String otherwise) {
        if (!ok) {
            throw new AssertionError(otherwise);
        }
    }

    static double succeeded(MetricsScrape s) {
        return zeroIfAbsent(s.sum("layerswap_executions_total", SUCCEEDED));
    }

    static double notRun(MetricsScrape s) {
        return zeroIfAbsent(s.sum("layerswap_executions_total", l -> "not_run".equals(l.get("status"))));
    }

    static double failedFetches(MetricsScrape s) {
        return zeroIfAbsent(s.sum("layerswap_fetches_total", l -> "failed".equals(l.get("outcome"))));
    }

    static double fetched(MetricsScrape s) {
        return zeroIfAbsent(s.sum("layerswap_fetches_total", l -> "succeeded".equals(l.get("outcome"))));
    }

    private static double zeroIfAbsent(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    static String status(String json) {
        Matcher m = STATUS.matcher(json);
        return m.find() ? m.group(1) : "";
    }

    static String detail(String json) {
        Matcher m = DETAIL.matcher(json);
        return m.find() ? m.group(1) : "";
    }

    static int onDemand(String json) {
        Matcher m = ON_DEMAND.matcher(json);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    static long layerWaitMillis(String json) {
        Matcher m = LAYER_WAIT.matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) / 1000 : 0;
    }
}
