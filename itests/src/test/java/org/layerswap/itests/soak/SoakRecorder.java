package org.layerswap.itests.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * What the soak saw of the appliance, by process lifetime ("segment": the first boot is 0, each restart after a
 * kill -9 starts the next): samples of its JVM's threads, file descriptors and heap, and the invocation-overhead
 * histogram ({@code layerswap_cold_start_seconds{phase="to_first_instruction"}}: arrival to the function's first
 * instruction) gained within each segment after its warm-up. A segment's counters never reset inside it, so each
 * window is exact.
 *
 * <p>Samples taken in a segment's first {@code warmupMillis} (boot, the demo defining its images) are kept out of
 * the steady-state figures. Thread-safe: the sampler and the driver call it from their own threads.
 */
public final class SoakRecorder {

    public static final String OVERHEAD = "layerswap_cold_start_seconds";
    private static final Predicate<Map<String, String>> FIRST_INSTRUCTION = l -> "to_first_instruction".equals(l.get("phase"));
    private static final Predicate<Map<String, String>> HEAP = l -> "heap".equals(l.get("area"));

    public record Sample(long atMillis, int segment, ProcessProbe probe, double heapUsedBytes, double heapMaxBytes) {
    }

    private final long warmupMillis;
    private final List<Sample> samples = new ArrayList<>();
    private final List<HistogramWindow> overhead = new ArrayList<>();
    private final List<Long> segmentStarts = new ArrayList<>();
    private final Map<Integer, Long> liveHeap = new java.util.HashMap<>();

    public SoakRecorder(long warmupMillis) {
        this.warmupMillis = warmupMillis;
    }

    /** A new process lifetime begins (the appliance answered HTTP at {@code readyAtMillis}). */
    public synchronized void newSegment(long readyAtMillis) {
        segmentStarts.add(readyAtMillis);
        overhead.add(new HistogramWindow());
    }

    public synchronized int segments() {
        return segmentStarts.size();
    }

    public synchronized void sample(long atMillis, ProcessProbe probe, MetricsScrape scrape) {
        int segment = segments() - 1;
        if (atMillis >= segmentStarts.get(segment) + warmupMillis) { // the first steady scrape is the window's base
            overhead.get(segment).add(scrape.buckets(OVERHEAD, FIRST_INSTRUCTION));
        }
        double used = scrape.sum("jvm_memory_used_bytes", HEAP);
        // pools without a limit report -1; the heap's cap is the sum of the limited ones (G1: the old gen = -Xmx)
        List<MetricsScrape.Series> limits = scrape.series("jvm_memory_max_bytes", HEAP);
        double cap = limits.isEmpty() ? Double.NaN : limits.stream().mapToDouble(s -> Math.max(0, s.value())).sum();
        samples.add(new Sample(atMillis, segment, probe, used, cap));
    }

    /** The current segment's live heap: what its JVM held right after a full collection at the segment's end. */
    public synchronized void liveHeap(long bytes) {
        liveHeap.put(segments() - 1, bytes);
    }

    /** The live heap recorded for {@code segment}; NaN when none was. */
    public synchronized double liveHeap(int segment) {
        Long b = liveHeap.get(segment);
        return b == null ? Double.NaN : b;
    }

    /** Steady-state samples of a segment (after its warm-up). */
    public synchronized List<Sample> steady(int segment) {
        long from = segmentStarts.get(segment) + warmupMillis;
        return samples.stream().filter(s -> s.segment() == segment && s.atMillis() >= from).toList();
    }

    public synchronized double max(int segment, ToDoubleFunction<Sample> f) {
        return steady(segment).stream().mapToDouble(f).max().orElse(Double.NaN);
    }

    public synchronized double min(int segment, ToDoubleFunction<Sample> f) {
        return steady(segment).stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    /** Invocation overhead p99 (seconds) of the executions that ran in {@code segment}; NaN when none did. */
    public synchronized double overheadP99(int segment) {
        return overhead.get(segment).quantile(0.99);
    }

    public synchronized double overheadCount(int segment) {
        return overhead.get(segment).count();
    }

    public synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }
}
