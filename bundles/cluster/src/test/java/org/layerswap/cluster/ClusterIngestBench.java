package org.layerswap.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.layerswap.api.InvocationEvent;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;

/**
 * Ingest throughput of a cluster of 1 and of 3 members in this JVM (real Hazelcast members on 127.0.0.1, real profiler
 * engines, {@link ProfileCluster}), closed loop as {@code ClusterIT} measures it through HTTP: per member, 2 senders
 * each sending 500-event batches and waiting for the batch's acknowledgement before the next. Workload {@code one}
 * ({@code ClusterIT}'s): each batch all of one of 16 functions; {@code mixed}: each event one of 1,000 functions at
 * random.
 * Modes: {@code event} (before: the single queue consumer of each member puts each event with a synchronous
 * {@code IMap.set}), {@code batch} (after: one {@code putAllAsync} per batch, acknowledged when it completes, batches
 * of the senders in flight together). Also a member without cluster: the consumer records into its own engine.
 * Prints acknowledged events/s over the window, the time until the owners recorded every acknowledged event, and the
 * JVM's CPU time per event (what the members together spend: on one machine they share its cores, on three they
 * would not).
 *
 * <p>Args: [seconds per run (6)] [rounds (2)] [modes (local,event,batch)] [workload (one|mixed)]. Not a test: run by
 * hand (command in docs/cluster.md).
 */
public final class ClusterIngestBench {

    /** Senders per member (system property {@code bench.senders}, default 2 as in {@code ClusterIT}). */
    private static final int SENDERS = Integer.getInteger("bench.senders", 2);
    private static final int BATCH = 500;
    private static int functions = 16;
    private static boolean mixed;
    /** Event timestamps, increasing across every batch sent. */
    private static final AtomicLong TIME = new AtomicLong(9_000_000L);

    private ClusterIngestBench() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 6;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        List<String> modes = List.of((args.length > 2 ? args[2] : "local,event,batch").split(","));
        mixed = args.length > 3 && args[3].equals("mixed");
        functions = mixed ? 1000 : 16;
        Path work = Files.createTempDirectory("cluster-ingest-bench");
        for (int r = 1; r <= rounds; r++) {
            if (modes.contains("local")) {
                System.out.printf(Locale.ROOT, "round %d: no cluster (local engine): %.0f events/s%n", r, local(seconds));
            }
            for (String mode : modes.stream().filter(m -> !m.equals("local")).toList()) {
                double one = cluster(work, 1, mode, seconds);
                double three = cluster(work, 3, mode, seconds);
                System.out.printf(Locale.ROOT, "round %d: %s: 1 member %.0f events/s, 3 members %.0f events/s (%.2fx)%n",
                        r, mode, one, three, three / one);
            }
        }
    }

    private static List<InvocationEvent> batch(String function) {
        long start = TIME.getAndAdd(BATCH);
        List<InvocationEvent> out = new ArrayList<>(BATCH);
        java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < BATCH; i++) {
            out.add(InvocationEvent.of(mixed ? "bench-" + rnd.nextInt(functions) : function, start + i));
        }
        return out;
    }

    /** One member without cluster: the senders' batches go through one consumer into the engine. */
    private static double local(long seconds) throws InterruptedException {
        ProfilerEngine engine = new ProfilerEngine(ProfilerSettings.defaults().withClock(() -> ProfileCluster.NOW), null);
        Object consumer = new Object();
        long[] r = closedLoop(seconds, 1, (member, events) -> {
            synchronized (consumer) {
                events.forEach(engine::record);
            }
        });
        return r[0] / (r[1] / 1e9);
    }

    private static double cluster(Path work, int size, String mode, long seconds) throws Exception {
        try (ProfileCluster c = new ProfileCluster(work.resolve(mode + size + "-" + System.nanoTime()), size)) {
            for (int i = 0; i < size; i++) {
                c.start(i);
            }
            c.awaitStable(size);
            Object[] consumers = new Object[size];
            for (int i = 0; i < size; i++) {
                consumers[i] = new Object();
            }
            closedLoop(1, size, (m, events) -> send(c, consumers, m, mode, events)); // warm-up
            long before = recorded(c);
            long cpu0 = processCpuNanos();
            long[] r = closedLoop(seconds, size, (m, events) -> send(c, consumers, m, mode, events));
            long windowEnd = System.nanoTime();
            double rate = r[0] / (r[1] / 1e9);
            while (recorded(c) - before < r[0]) {
                Thread.sleep(20);
            }
            double drain = (System.nanoTime() - windowEnd) / 1e9;
            double cpuPerEvent = (processCpuNanos() - cpu0) / 1e3 / r[0];
            System.out.printf(Locale.ROOT, "  %s, %d member(s): %.0f events/s acknowledged; owners recorded them %.2f s after the "
                    + "window; process CPU %.2f us per event (window and drain)%n", mode, size, rate, drain, cpuPerEvent);
            return rate;
        }
    }

    private static void send(ProfileCluster c, Object[] consumers, int m, String mode, List<InvocationEvent> events) {
        PartitionedProfiles p = c.members[m].node().profiles();
        if (mode.equals("event")) {
            synchronized (consumers[m]) { // the member's single queue consumer
                events.forEach(p::ingest);
            }
        } else {
            p.ingestAll(events).toCompletableFuture().join();
        }
    }

    /** CPU time of this JVM (all members, senders and Hazelcast threads). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long recorded(ProfileCluster c) {
        long n = 0;
        for (ProfileCluster.Member m : c.members) {
            var all = m.engine().profiles();
            for (int f = 0; f < functions; f++) {
                var p = all.profile("bench-" + f);
                n += p == null ? 0 : p.invocationCount();
            }
        }
        return n;
    }

    private interface Sender {
        void send(int member, List<InvocationEvent> events) throws Exception;
    }

    /**
     * {@code SENDERS} senders per member, each waiting for its batch's acknowledgement before the next, for
     * {@code seconds}: answers the events acknowledged and the nanoseconds it took.
     */
    private static long[] closedLoop(long seconds, int members, Sender sender) throws InterruptedException {
        AtomicLong acked = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int m = 0; m < members; m++) {
            for (int s = 0; s < SENDERS; s++) {
                int member = m;
                int seed = s;
                Thread t = new Thread(() -> {
                    for (int i = 0; System.nanoTime() < end; i++) {
                        try {
                            String f = "bench-" + ((seed * 7 + member * 3 + i) % functions);
                            sender.send(member, batch(f));
                            acked.addAndGet(BATCH);
                        } catch (Exception e) {
                            throw new IllegalStateException("ingest on member " + member + " failed", e);
                        }
                    }
                }, "bench-" + m + "-" + s);
                t.start();
                threads.add(t);
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        return new long[] {acked.get(), System.nanoTime() - t0};
    }
}
