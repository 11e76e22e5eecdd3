package org.layerswap.replay;

import java.util.List;
import java.util.Locale;
import org.layerswap.workload.InvocationStream;
import org.layerswap.workload.LayerModel;
import org.layerswap.workload.SyntheticWorkload;

/**
 * Replay benchmark (not a test): prints events/second for trace generation, table expansion, each
 * policy alone on one thread, and the full policy set on all threads.
 * Run: {@code java -cp layerswap-replay-*-cli.jar org.layerswap.replay.ReplayBenchmark [synthetic spec] [repeats]}.
 */
public final class ReplayBenchmark {

    private ReplayBenchmark() {
    }

    public static void main(String[] args) {
        String spec = args.length > 0 ? args[0] : "days=14,functions=400,seed=1";
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        SyntheticWorkload w = SyntheticWorkload.of(spec);
        long t0 = System.nanoTime();
        long n = 0;
        try (InvocationStream s = w.stream()) {
            while (s.hasNext()) {
                s.next();
                n++;
            }
        }
        double genS = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "generate: %d invocations in %.2f s = %.0f events/s%n", n, genS, n / genS);
        t0 = System.nanoTime();
        EventTable tab = EventTable.build(w.stream(), new LayerModel(1), ProgressListener.NONE);
        double loadS = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "expand (generate + layer model + intern): %.2f s = %.0f events/s; %d functions, "
                + "%d layers, %s GB%n", loadS, tab.size() / loadS, tab.functionCount(), tab.layerCount(),
                Units.gb(tab.totalLayerBytes()));
        NodeSettings node = NodeSettings.defaults();
        List<PolicySpec> specs = Policies.standard(60_000L);
        for (int rep = 0; rep < repeats; rep++) {
            System.out.println("-- round " + (rep + 1));
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            for (PolicySpec s : specs) {
                long a = System.nanoTime();
                long c = mx.getCurrentThreadCpuTime();
                PolicyResult r = new Simulator(tab, node, s.factory().get(), 3_600_000L, null).run(s.family(), s.knob());
                double cpu = (mx.getCurrentThreadCpuTime() - c) / 1e9;
                double sec = (System.nanoTime() - a) / 1e9;
                System.out.printf(Locale.ROOT, "  %-20s wall %6.2f s = %,10.0f events/s; CPU %6.2f s = %,10.0f events/CPU-s "
                        + "(critical-path %.3f%%)%n", s.name(), sec, tab.size() / sec, cpu, tab.size() / cpu,
                        100 * r.criticalPathShare());
            }
            java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            for (int threads : new int[] {1, Runtime.getRuntime().availableProcessors()}) {
                long a = System.nanoTime();
                ReplayRunner.replayAll(tab, node, 3_600_000L, specs, threads, ProgressListener.NONE);
                double sec = (System.nanoTime() - a) / 1e9;
                System.out.printf(Locale.ROOT, "  all %d policies, %d thread(s): %.2f s wall = %,.0f invocations/s through "
                        + "the whole policy set, %,.0f policy-events/s (load average %.1f)%n", specs.size(), threads, sec,
                        tab.size() / sec, (double) tab.size() * specs.size() / sec, os.getSystemLoadAverage());
            }
        }
    }
}
