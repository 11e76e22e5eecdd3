package org.layerswap.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.layerswap.profiler.engine.OwnedEngineProfiles;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.layerswap.source.oci.testing.LocalRegistry;

/**
 * Real members in this JVM on 127.0.0.1, each with a real {@link ProfilerEngine} attached to its
 * {@link PartitionedProfiles} as the profiler component attaches it. Every engine scores at the same fixed "now", so
 * estimates of one function computed on different members are comparable. A slot can be started again on its port
 * (a rejoining member, with an empty engine).
 */
final class ProfileCluster implements AutoCloseable {

    static final long NOW = 10_000_000L;

    /** One member: its node, its engine and the attachment of the engine to the cluster. */
    record Member(ClusterNode node, ProfilerEngine engine, AutoCloseable attachment) {
        String uuid() {
            return node.hazelcast().getCluster().getLocalMember().getUuid().toString();
        }

        boolean owns(String function) {
            var owner = node.hazelcast().getPartitionService().getPartition(function).getOwner();
            return owner != null && owner.localMember();
        }

        long count(String function) {
            var p = engine.profiles().profile(function);
            return p == null ? 0 : p.invocationCount();
        }
    }

    private final Path work;
    private final String name = "p-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Integer> ports = new ArrayList<>();
    final Member[] members;
    /** Members {@link #await} does not flush (a dying owner that must not back up any more). */
    private final java.util.Set<Integer> quiet = new java.util.HashSet<>();

    ProfileCluster(Path work, int size) throws IOException {
        this.work = work;
        for (int i = 0; i < size; i++) {
            ports.add(LocalRegistry.freePort());
        }
        members = new Member[size];
    }

    Member start(int i) throws IOException {
        List<String> join = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        ClusterSettings s = ClusterSettings.DEFAULT.withEnabled(true).withNetwork(name, join, ports.get(i), 0);
        ClusterNode node = new ClusterNode(s, LoopbackCluster.TOKEN, work.resolve("node" + i + "-" + UUID.randomUUID()), null, List.of());
        ProfilerEngine engine = new ProfilerEngine(ProfilerSettings.defaults().withClock(() -> NOW), null);
        AutoCloseable a = node.profiles().attach(new OwnedEngineProfiles(engine));
        members[i] = new Member(node, engine, a);
        return members[i];
    }

    /** Stops member {@code i}'s flushes (its timer and {@link #await}'s): what it records now is backed up nowhere but in the inbox. */
    void quiet(int i) {
        quiet.add(i);
        members[i].node().profiles().close();
    }

    /** Kills member {@code i} as kill -9 would look to the others: no leave message, no last flush. */
    void terminate(int i) {
        Member m = members[i];
        m.node().profiles().close();
        m.node().hazelcast().getLifecycleService().terminate();
        m.node().close();
        members[i] = null;
        quiet.remove(i);
    }

    /** A function name whose partition member {@code i} owns now. */
    String functionOwnedBy(int i, String prefix) {
        for (int k = 0; ; k++) {
            String f = prefix + k;
            if (members[i].owns(f)) {
                return f;
            }
        }
    }

    /** Waits until {@code size} members see each other and no partition is migrating or missing a backup. */
    void awaitStable(int size) throws InterruptedException {
        await(size + " members and a safe partition table", Duration.ofSeconds(15), () -> {
            for (Member m : members) {
                if (m != null && (m.node().hazelcast().getCluster().getMembers().size() != size
                        || !m.node().hazelcast().getPartitionService().isClusterSafe())) {
                    return false;
                }
            }
            return true;
        });
        await("every member followed the partition table", Duration.ofSeconds(15), () -> {
            for (Member m : members) {
                if (m != null && m.node().profiles().partitionsOwned() != ownedNow(m)) {
                    return false;
                }
            }
            return true;
        });
    }

    private static int ownedNow(Member m) {
        int n = 0;
        for (var p : m.node().hazelcast().getPartitionService().getPartitions()) {
            if (p.getOwner() != null && p.getOwner().localMember()) {
                n++;
            }
        }
        return n;
    }

    /** Flushes every live member until {@code condition} holds; fails after {@code timeout}. */
    void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            for (int i = 0; i < members.length; i++) {
                if (members[i] != null && !quiet.contains(i)) {
                    members[i].node().profiles().flush();
                }
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        for (Member m : members) {
            if (m != null) {
                try {
                    m.attachment().close();
                } catch (Exception ignored) {
                    // closed with its node below
                }
                m.node().close();
            }
        }
    }
}
