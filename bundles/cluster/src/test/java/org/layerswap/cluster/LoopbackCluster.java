package org.layerswap.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.layerswap.api.LayerSource;
import org.layerswap.api.config.SecretToken;
import org.layerswap.source.oci.testing.LocalRegistry;
import org.layerswap.store.layers.FileLayerStore;
import org.layerswap.store.layers.StoreSettings;

/**
 * Real cluster members in this JVM on 127.0.0.1: each a {@link ClusterNode} (Hazelcast member + peer endpoint) and a
 * real {@link FileLayerStore} whose source is the node's peer source and whose listener is the node's directory sync,
 * wired as the DS components wire them. A cluster name unique per instance, distinct free ports.
 */
final class LoopbackCluster implements AutoCloseable {

    static final SecretToken TOKEN = SecretToken.of("loopback-cluster-token-0123456789", "cluster token");

    /** One appliance: its cluster node and its store. */
    record Node(ClusterNode cluster, FileLayerStore store) implements AutoCloseable {
        @Override
        public void close() {
            store.close();
            cluster.close();
        }
    }

    private final Path work;
    private final LayerSource registry;
    private final String name = "t-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Integer> ports = new ArrayList<>();
    final List<Node> nodes = new ArrayList<>();

    /** Reserves {@code size} member ports; members join each other by that list. */
    LoopbackCluster(Path work, LayerSource registry, int size) throws IOException {
        this.work = work;
        this.registry = registry;
        for (int i = 0; i < size; i++) {
            ports.add(LocalRegistry.freePort());
        }
    }

    Node start(int i) throws IOException {
        List<String> join = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        ClusterSettings s = ClusterSettings.DEFAULT.withEnabled(true).withNetwork(name, join, ports.get(i), 0).withPeerWait(15);
        ClusterNode c = new ClusterNode(s, TOKEN, work.resolve("node" + i + "/cluster"), registry, List.of());
        FileLayerStore store = new FileLayerStore(StoreSettings.of(work.resolve("node" + i + "/layers"), 1L << 30), c.peerSource());
        store.events().add(c.storeListener());
        Node n = new Node(c, store);
        nodes.add(n);
        return n;
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            try {
                n.close();
            } catch (RuntimeException e) {
                // already closed by the test
            }
        }
    }
}
