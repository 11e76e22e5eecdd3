package org.layerswap.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.layerswap.workload.Azure2019Metadata;
import org.layerswap.workload.InvocationStream;
import org.layerswap.workload.LayerMappingFile;
import org.layerswap.workload.LayerModel;
import org.layerswap.workload.LayerResolver;
import org.layerswap.workload.Traces;

/**
 * Runs a replay: loads the trace once into an {@link EventTable}, replays every policy over it in
 * parallel threads (each policy its own {@link Simulator}), optionally the sweeps, and writes the
 * report. Used by {@link ReplayMain} and by the Karaf {@code layerswap:replay} command.
 */
public final class ReplayRunner {

    private ReplayRunner() {
    }

    public static ReplayResult run(ReplaySettings cfg, ProgressListener progress) {
        long t0 = System.currentTimeMillis();
        EventTable tab = load(cfg, progress);
        long loadMillis = System.currentTimeMillis() - t0;
        ReplayResult r = replay(cfg, tab, loadMillis, progress);
        if (cfg.outDir() != null) {
            try {
                ReportWriter.write(r, cfg.outDir(), cfg.charts());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the report to " + cfg.outDir() + ": " + e.getMessage(), e);
            }
        }
        return r;
    }

    public static EventTable load(ReplaySettings cfg, ProgressListener progress) {
        String spec = cfg.trace();
        if (spec == null) {
            throw new IllegalArgumentException("no trace given");
        }
        LayerModel model = new LayerModel(cfg.layerModelSeed());
        if (spec.startsWith("azure2019:")) {
            String first = spec.substring("azure2019:".length()).split(",")[0].trim();
            Azure2019Metadata meta = Azure2019Metadata.siblingsOf(Path.of(first));
            if (!meta.appMemoryMb().isEmpty()) {
                model = model.withAppMemory(meta.appMemoryMb());
            }
        }
        LayerMappingFile mapping = cfg.layerMapping() == null ? null : LayerMappingFile.read(cfg.layerMapping(), model);
        LayerResolver resolver = mapping == null ? model : mapping;
        InvocationStream stream = Traces.open(spec, cfg.traceSeed());
        EventTable tab = EventTable.build(stream, resolver, progress, cfg.spanMillis());
        if (mapping != null) {
            List<String> fns = new ArrayList<>(tab.functionCount());
            for (int f = 0; f < tab.functionCount(); f++) {
                fns.add(tab.functionId(f));
            }
            int matched = mapping.requireMatches(fns);
            progress.progress("layer mapping matched " + matched + " of " + fns.size() + " functions", 1.0);
        }
        return tab;
    }

    public static ReplayResult replay(ReplaySettings cfg, EventTable tab, long loadMillis, ProgressListener progress) {
        List<PolicySpec> specs = cfg.policies();
        List<PolicySpec> sweep = cfg.sweep() ? Policies.sweep(specs, cfg.oracleHorizonMillis()) : List.of();
        List<PolicySpec> all = new ArrayList<>(specs);
        all.addAll(sweep);
        long t0 = System.currentTimeMillis();
        List<PolicyResult> results = replayAll(tab, cfg.node(), cfg.warmupMillis(), all, cfg.threads(), progress);
        long replayMillis = System.currentTimeMillis() - t0;
        long[] byClass = new long[3];
        for (int f = 0; f < tab.functionCount(); f++) {
            byClass[tab.frequencyClass(f)]++;
        }
        return new ReplayResult(cfg.trace(), cfg.node(), cfg.warmupMillis(), tab.size(), tab.functionCount(),
                tab.layerCount(), tab.totalLayerBytes(), tab.endMillis() - tab.startMillis(), byClass,
                tab.readReport() == null ? "" : tab.readReport().summary(), results.subList(0, specs.size()),
                results.subList(specs.size(), results.size()), loadMillis, replayMillis, (long) tab.size() * all.size(),
                cfg.threads());
    }

    /** Replays each spec over the table on {@code threads} threads; results in spec order. */
    public static List<PolicyResult> replayAll(EventTable tab, NodeSettings node, long warmupMillis, List<PolicySpec> specs,
                                               int threads, ProgressListener progress) {
        AtomicLong done = new AtomicLong();
        List<Callable<PolicyResult>> tasks = new ArrayList<>();
        for (PolicySpec s : specs) {
            tasks.add(() -> {
                NodeSettings n = s.budgetShare() == 1.0 ? node
                        : node.withBudget(Math.max(1, Math.round(node.budgetBytes() * s.budgetShare())));
                return new Simulator(tab, n, s.factory().get(), warmupMillis, done).run(s.family(), s.knob());
            });
        }
        return runAll(tasks, threads, done, (long) tab.size() * specs.size(), "replay", progress);
    }

    /**
     * Runs {@code tasks} on up to {@code threads} daemon threads, reporting {@code done / total} as progress of
     * {@code phase} while waiting; results in task order; a task's runtime exception is rethrown as is.
     */
    static <T> List<T> runAll(List<Callable<T>> tasks, int threads, AtomicLong done, long total, String phase,
                              ProgressListener progress) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, tasks.size())), r -> {
            Thread t = new Thread(r, "layerswap-replay");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(task));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                while (true) {
                    try {
                        out.add(f.get(250, TimeUnit.MILLISECONDS));
                        break;
                    } catch (java.util.concurrent.TimeoutException e) {
                        progress.progress(phase, total == 0 ? 1 : (double) done.get() / total);
                    }
                }
            }
            progress.progress(phase, 1.0);
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(phase + " interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(phase + " failed: " + c, c);
        } finally {
            pool.shutdownNow();
        }
    }
}
