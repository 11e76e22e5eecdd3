package org.layerswap.demo;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.ExecutionResult;
import org.layerswap.api.FunctionExecutor;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.SwapManager;
import org.layerswap.workload.LayerModel;
import org.layerswap.workload.SyntheticWorkload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo through the real pipeline: each played invocation is ingested (the routes' events queue, then
 * the profiler, which rescores), and executed by the {@link FunctionExecutor} on a small pool, which asks
 * the swap manager for its plan and root (prefetched and composed ahead when predicted, fetched on demand
 * otherwise), runs the handler in a sandbox and reports to the feedback loop. Functions are defined from
 * real images written into the layout the layer source reads.
 */
final class DemoPipeline implements DemoPlayer.Sink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoPipeline.class);

    /** Ingestion entry: the routes' {@code InvocationIngest} when present, else the profiler directly. */
    interface Ingest {
        void ingest(InvocationEvent e);
    }

    private final SwapManager swapManager;
    private final FunctionExecutor executor;
    private final Ingest ingest;
    private final BehavioralProfiler profiler;
    private final Path layout;
    private final long seed;
    private final int scale;
    private final Set<String> defined = ConcurrentHashMap.newKeySet();
    private final Map<String, List<LayerId>> dataLayers = new ConcurrentHashMap<>();
    private volatile DemoPlayer.Sink fallback;
    private final ThreadPoolExecutor pool;
    final AtomicLong executed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();

    DemoPipeline(SwapManager swapManager, FunctionExecutor executor, Ingest ingest, BehavioralProfiler profiler, Path layout,
                 long seed, int scale, int workers) {
        this.swapManager = swapManager;
        this.executor = executor;
        this.ingest = ingest;
        this.profiler = profiler;
        this.layout = layout;
        this.seed = seed;
        this.scale = scale;
        // a small queue: when functions run slower than the trace plays, executions are skipped (and counted),
        // never queued without bound
        this.pool = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4 * workers), r -> {
            Thread t = new Thread(r, "layerswap-demo-exec");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void functions(List<SyntheticWorkload.FunctionSpec> functions, LayerModel layers) {
        DemoImages.Built built;
        long t0 = System.nanoTime();
        try {
            built = DemoImages.build(layout, functions, layers, seed, scale);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("Demo images could not be built in {} ({}); the demo feeds the profiler only", layout, e.getMessage());
            fallback = DemoPlayer.profilerSink(profiler);
            fallback.functions(functions, layers);
            return;
        }
        for (Map.Entry<String, String> e : built.images().entrySet()) {
            try {
                swapManager.defineFunction(e.getKey(), e.getValue());
                defined.add(e.getKey());
            } catch (Exception ex) {
                LOG.warn("Demo function {} not defined from {}: {}", e.getKey(), e.getValue(), ex.getMessage());
            }
        }
        int bound = 0;
        for (Map.Entry<String, Map<String, String>> f : built.data().entrySet()) {
            for (Map.Entry<String, String> d : f.getValue().entrySet()) {
                try {
                    dataLayers.put(f.getKey() + "\n" + d.getKey(), swapManager.bindDataLayer(f.getKey(), "dataset", d.getKey(), d.getValue()));
                    bound++;
                } catch (Exception ex) {
                    LOG.warn("Demo data set {} of {} not bound from {}: {}", d.getKey(), f.getKey(), d.getValue(), ex.getMessage());
                }
            }
        }
        LOG.info("Demo: {} of {} functions defined from real images in {}, {} data sets bound ({} ms); executor {}", defined.size(),
                functions.size(), layout, bound, (System.nanoTime() - t0) / 1_000_000,
                executor == null ? "absent" : executor.isAvailable() ? executor.name() : "unavailable: " + executor.unavailableReason());
    }

    @Override
    public void play(InvocationEvent live, List<LayerDescriptor> modelledDataLayers) {
        if (fallback != null) {
            fallback.play(live, modelledDataLayers);
            return;
        }
        ingest.ingest(live);
        String ds = live.params().get("dataset");
        List<LayerId> used = ds == null ? null : dataLayers.get(live.functionId() + "\n" + ds);
        if (used != null) {
            profiler.recordLayerAccess(live, used); // what the function reads: the profiler learns parameter -> layer
        }
        if (executor == null || !executor.isAvailable() || !defined.contains(live.functionId())) {
            return;
        }
        try {
            pool.execute(() -> run(live));
        } catch (RejectedExecutionException e) {
            skipped.incrementAndGet();
        }
    }

    private void run(InvocationEvent e) {
        try {
            ExecutionResult r = executor.execute(e.functionId(), e.params());
            executed.incrementAndGet();
            if (!r.succeeded()) {
                failed.incrementAndGet();
                LOG.debug("demo execution of {} {}: {}", e.functionId(), r.status(), r.detail());
            }
        } catch (RuntimeException ex) {
            failed.incrementAndGet();
            LOG.debug("demo execution of {} failed: {}", e.functionId(), ex.toString());
        }
    }

    /**
     * Lets running executions finish (bounded) before the bundles below stop: an execution still holding its
     * root when the filesystem backend closes would leave that generation mounted until the next start's recovery.
     */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(15, TimeUnit.SECONDS)) {
                LOG.warn("Demo executions still running after 15 s at shutdown; their roots are recovered at the next start");
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
