package org.layerswap.webconsole;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import org.layerswap.replay.ReplaySettings;
import org.layerswap.replay.ReplayMain;
import org.layerswap.replay.ReplayResult;
import org.layerswap.replay.ReplayRunner;
import org.layerswap.replay.ReportWriter;
import org.layerswap.workload.InvocationStream;
import org.layerswap.workload.ReportFolders;
import org.layerswap.workload.TraceDirectory;
import org.layerswap.workload.Traces;

/**
 * Replays started from the console, one at a time on their own thread (a replay saturates a core),
 * each writing its report under {@code data/replay/<id>}; the last few are kept for viewing.
 * Invariants (the console runs as root): a trace file is read only from the {@link TraceDirectory} (real path
 * inside it) and an error shown never holds more than a short sanitised excerpt; at most {@code maxQueued} replays
 * are queued or running (the next is refused with a clear error); after each replay only the newest
 * {@code keepReports} report folders stay under the root.
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

    public static final int DEFAULT_MAX_QUEUED = 4;

    private final Executor executor;
    private final AtomicLong ids = new AtomicLong();
    private final List<Job> jobs = new ArrayList<>();
    private final Path root;
    private final TraceDirectory traces;
    private final int maxQueued;
    private final int keepReports;

    /** With the system's traces directory, {@code layerswap.replay.maxQueued} and {@code layerswap.replay.keepReports}. */
    ReplayJobs(Path root) {
        this(root, TraceDirectory.ofSystem(), Math.max(1, Integer.getInteger("layerswap.replay.maxQueued", DEFAULT_MAX_QUEUED)),
                ReportFolders.keepFromSystem(), Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "layerswap-console-replay");
                    t.setDaemon(true);
                    return t;
                }));
    }

    ReplayJobs(Path root, TraceDirectory traces, int maxQueued, int keepReports, Executor executor) {
        this.root = root;
        this.traces = traces;
        this.maxQueued = maxQueued;
        this.keepReports = Math.max(keepReports, KEPT);
        this.executor = executor;
    }

    /** Validates the options now (a bad one is the caller's error) and queues the replay. */
    synchronized Job start(List<String> options, String trace) {
        long active = jobs.stream().filter(j -> "queued".equals(j.state) || "running".equals(j.state)).count();
        if (active >= maxQueued) {
            throw new IllegalArgumentException("the replay queue is full: " + active + " replays queued or running "
                    + "(layerswap.replay.maxQueued=" + maxQueued + "); start this one when one has finished");
        }
        String confined;
        try {
            confined = traces.confine(trace);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(TraceDirectory.sanitize(e.getMessage()), e);
        }
        trace = TraceDirectory.sanitize(trace);
        long id = ids.incrementAndGet();
        Path dir = root.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + id);
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("--trace", confined, "--out", dir.toString()));
        ReplaySettings cfg = ReplayMain.parse(args.toArray(new String[0]));
        try (InvocationStream probe = Traces.open(confined, cfg.traceSeed())) {
            // opened and closed: an unreadable file in the directory is the caller's error, reported now
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(TraceDirectory.sanitize("trace '" + trace + "': " + e.getMessage()), e);
        }
        Job job = new Job(id, trace, dir);
        jobs.add(0, job);
        while (jobs.size() > KEPT) {
            jobs.remove(jobs.size() - 1);
        }
        executor.execute(() -> run(job, cfg));
        return job;
    }

    private void run(Job job, ReplaySettings cfg) {
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
            job.error = TraceDirectory.sanitize(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            job.state = "failed";
        }
        try {
            ReportFolders.prune(root, keepReports);
        } catch (RuntimeException e) {
            job.error = (job.error.isEmpty() ? "" : job.error + "; ") + TraceDirectory.sanitize(e.getMessage());
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
        if (executor instanceof ExecutorService es) {
            es.shutdownNow();
        }
    }
}
