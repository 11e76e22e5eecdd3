package org.layerswap.webconsole;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import org.layerswap.replay.ReplayConfig;
import org.layerswap.replay.ReplayMain;
import org.layerswap.replay.ReplayResult;
import org.layerswap.replay.ReplayRunner;
import org.layerswap.replay.ReportWriter;
import org.layerswap.workload.InvocationStream;
import org.layerswap.workload.Traces;

/**
 * Replays started from the console, one at a time on their own thread (a replay saturates a core),
 * each writing its report under {@code data/replay/<id>}; the last few are kept for viewing.
 */
final class ReplayJobs implements AutoCloseable {

    private static final int KEPT = 10;

    /** One replay: its progress while it runs, its headline and report directory when done. */
    static final class Job {
        final long id;
        final String trace;
        final Path dir;
        volatile String state = "queued";
        volatile String phase = "";
        volatile double fraction;
        volatile String headline = "";
        volatile String error = "";

        Job(long id, String trace, Path dir) {
            this.id = id;
            this.trace = trace;
            this.dir = dir;
        }

        Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("trace", trace);
            m.put("state", state);
            m.put("phase", phase);
            m.put("percent", Math.round(fraction * 100));
            m.put("headline", headline);
            m.put("error", error);
            m.put("files", "done".equals(state) ? List.of("report.md", "results.csv", "policies.png", "stalls.png") : List.of());
            return m;
        }
    }

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "layerswap-console-replay");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong ids = new AtomicLong();
    private final List<Job> jobs = new ArrayList<>();
    private final Path root;

    ReplayJobs(Path root) {
        this.root = root;
    }

    /** Validates the options now (a bad one is the caller's error) and queues the replay. */
    synchronized Job start(List<String> options, String trace) {
        long id = ids.incrementAndGet();
        Path dir = root.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + id);
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("--trace", trace, "--out", dir.toString()));
        ReplayConfig cfg = ReplayMain.parse(args.toArray(new String[0]));
        try (InvocationStream probe = Traces.open(trace, cfg.traceSeed())) {
            // opened and closed: an unknown kind or a missing file is the caller's error, reported now
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("trace '" + trace + "': " + e.getMessage(), e);
        }
        Job job = new Job(id, trace, dir);
        jobs.add(0, job);
        while (jobs.size() > KEPT) {
            jobs.remove(jobs.size() - 1);
        }
        executor.execute(() -> run(job, cfg));
        return job;
    }

    private static void run(Job job, ReplayConfig cfg) {
        job.state = "running";
        try {
            ReplayResult r = ReplayRunner.run(cfg, (phase, fraction) -> {
                job.phase = phase;
                job.fraction = fraction;
            });
            job.headline = String.format("%d invocations, %d functions, %d layers; %.0f invocations/s%n", r.events(), r.functions(),
                    r.layers(), r.eventsPerSecond()) + ReportWriter.headline(r.results(), r.spanMillis());
            job.state = "done";
        } catch (RuntimeException e) {
            job.error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            job.state = "failed";
        }
    }

    synchronized List<Map<String, Object>> list() {
        return jobs.stream().map(Job::view).toList();
    }

    synchronized Optional<Job> job(long id) {
        return jobs.stream().filter(j -> j.id == id).findFirst();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
