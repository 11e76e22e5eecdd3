package org.layerswap.profiler.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Companion of the JMH benchmark for a shared (loaded) machine: the same workload and operation as
 * {@link ProfilerBenchmark}, timed in <em>thread CPU time</em> (immune to other processes taking the
 * core) for throughput, and per event with {@code System.nanoTime()} for the latency distribution
 * (p50/p99/p99.9; on a loaded machine the tail includes preemption, so it is an upper bound).
 * Args: predictor names (default: poisson histogram markov).
 */
public final class CpuTimeMain {

    private CpuTimeMain() {
    }

    public static void main(String[] args) {
        String[] predictors = args.length == 0 ? new String[] {"poisson", "histogram", "markov"} : args;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (String p : predictors) {
            ProfilerBenchmark b = new ProfilerBenchmark();
            b.predictor = p;
            b.setup();
            int n = 500_000;
            for (int i = 0; i < n; i++) { // warm-up
                b.ingestThroughput();
            }
            long wall = System.nanoTime();
            long cpu = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < 2 * n; i++) {
                b.ingestThroughput();
            }
            double cpuPerEvent = (mx.getCurrentThreadCpuTime() - cpu) / (2.0 * n);
            double wallPerEvent = (System.nanoTime() - wall) / (2.0 * n);
            long[] lat = new long[n];
            for (int i = 0; i < n; i++) {
                long s = System.nanoTime();
                b.ingestThroughput();
                lat[i] = System.nanoTime() - s;
            }
            Arrays.sort(lat);
            System.out.printf("%-10s ingest: %.0f ns CPU/event = %.2f M events/s per core (wall %.0f ns/event); "
                            + "per-event latency p50 %.2f us, p99 %.2f us, p99.9 %.2f us%n", p, cpuPerEvent,
                    1e3 / cpuPerEvent, wallPerEvent, lat[n / 2] / 1e3, lat[(int) (n * 0.99)] / 1e3,
                    lat[(int) (n * 0.999)] / 1e3);
        }
    }
}
