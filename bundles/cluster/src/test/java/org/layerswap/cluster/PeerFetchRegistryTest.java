package org.layerswap.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ClusterView;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.ImageConfig;
import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.oci.format.OciLayoutWriter;
import org.layerswap.source.oci.RegistryClient;
import org.layerswap.source.oci.RegistryPusher;
import org.layerswap.source.oci.RegistrySettings;
import org.layerswap.source.oci.testing.FaultProxy;
import org.layerswap.source.oci.testing.LocalRegistry;
import org.layerswap.testkit.Await;

/**
 * Three real members on loopback, each with a real store, pulling from a real docker-registry behind a recording proxy
 * (every request the registry gets is counted).
 */
class PeerFetchRegistryTest {

    @TempDir
    static Path work;

    static LocalRegistry registry;
    static FaultProxy proxy;
    static LoopbackCluster cluster;
    static ImageManifest image;
    static List<LoopbackCluster.Node> nodes;
    static byte[] bigFile = Blobs.random(2 << 20, 11);

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start(work.resolve("registry"));
        proxy = new FaultProxy(registry.url());
        OciLayoutWriter w = OciLayoutWriter.create(work.resolve("layout"));
        var shared = w.addLayer(t -> t.directory("lib", 0755).file("lib/big.so", 0755, bigFile));
        var second = w.addLayer(t -> t.directory("data", 0755).file("data/set.bin", 0644, Blobs.random(1 << 20, 12)));
        w.addImage("fn:1", List.of(shared, second), new ImageConfig(List.of("/bin/true"), List.of(), List.of(), "/"));
        RegistryClient direct = new RegistryClient(RegistrySettings.of(registry.url()));
        new RegistryPusher(direct).pushFromLayout(w.root(), "fn:1", "functions/fn", "1");
        image = direct.resolve("functions/fn:1");
        RegistryClient throughProxy = new RegistryClient(RegistrySettings.of(proxy.url())
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(5)).withRetries(2, Duration.ofMillis(50), Duration.ofMillis(200)));
        cluster = new LoopbackCluster(work.resolve("cluster"), throughProxy, 3);
        nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(cluster.start(i));
        }
        Await.until(Duration.ofSeconds(15), () -> nodes.get(0).cluster().hazelcast().getCluster().getMembers().size() == 3,
                "three members joined");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    long registryBlobGets(LayerDescriptor l) {
        return proxy.seen().stream().filter(s -> s.method().equals("GET") && s.path().endsWith("/blobs/" + l.id().digest())).count();
    }

    long total(java.util.function.ToLongFunction<ClusterView.PeerCounters> f) {
        return nodes.stream().mapToLong(n -> f.applyAsLong(n.cluster().status().counters())).sum();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aLayerNeededOnThreeNodesAtOnceIsPulledFromTheRegistryOnceAndServedPeerToPeer() throws Exception {
        LayerDescriptor l = image.layers().get(0);
        List<CompletableFuture<Path>> fetches = new ArrayList<>();
        for (LoopbackCluster.Node n : nodes) {
            fetches.add(n.store().fetch(image.repository(), l, FetchPriority.ON_DEMAND));
        }
        for (int i = 0; i < 3; i++) {
            Path dir = fetches.get(i).get(20, TimeUnit.SECONDS);
            assertArrayEquals(bigFile, Files.readAllBytes(dir.resolve("lib/big.so")), "node " + i + " unpacked the verified layer");
            assertEquals(0, nodes.get(i).store().stats().verifyFailures());
        }
        assertEquals(1, registryBlobGets(l), "one registry pull for the whole cluster: " + proxy.seen());
        assertEquals(1, total(ClusterView.PeerCounters::registryPulls));
        assertEquals(2, total(ClusterView.PeerCounters::fetched), "the other two nodes fetched it from a peer");
        Await.until(Duration.ofSeconds(5), () -> total(ClusterView.PeerCounters::served) == 2,
                () -> "two blobs served (counted once their last byte went out), got " + total(ClusterView.PeerCounters::served));
        assertEquals(0, total(ClusterView.PeerCounters::refused) + total(ClusterView.PeerCounters::fallbacks));
        Await.until(Duration.ofSeconds(10), () -> nodes.get(2).cluster().directory().holders(l.id()).size() == 3,
                "every node is listed as a holder");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aPeerServingACorruptedBlobIsRefusedAndTheLayerComesFromAnotherPeer() throws Exception {
        LayerDescriptor l = image.layers().get(1);
        LoopbackCluster.Node a = nodes.get(0);
        LoopbackCluster.Node b = nodes.get(1);
        LoopbackCluster.Node c = nodes.get(2);
        a.store().fetch(image.repository(), l, FetchPriority.ON_DEMAND).get(20, TimeUnit.SECONDS);
        b.store().fetch(image.repository(), l, FetchPriority.ON_DEMAND).get(20, TimeUnit.SECONDS);
        assertEquals(1, registryBlobGets(l));
        // the holder c tries first (holders are tried in uuid order) serves bytes flipped on its disk
        LoopbackCluster.Node liar = List.of(a, b).stream().min(Comparator.comparing(n -> n.cluster().directory().self())).orElseThrow();
        PeerFetcherTest.corrupt(liar.cluster().cache().file(l.id()));
        long refusedBefore = total(ClusterView.PeerCounters::refused);
        long fetchedBefore = c.cluster().status().counters().fetched();

        c.store().fetch(image.repository(), l, FetchPriority.ON_DEMAND).get(20, TimeUnit.SECONDS);

        ClusterView.PeerCounters cc = c.cluster().status().counters();
        assertEquals(refusedBefore + 1, total(ClusterView.PeerCounters::refused), "the corrupted transfer was refused");
        assertEquals(fetchedBefore + 1, cc.fetched(), "then fetched from the honest peer");
        assertEquals(1, registryBlobGets(l), "not from the registry");
        assertEquals(0, c.store().stats().verifyFailures(), "nothing corrupted reached the store");
        assertTrue(c.store().isResident(l.id()));
        assertArrayEquals(Files.readAllBytes(nodes.stream().filter(n -> n != liar && n != c).findFirst().orElseThrow()
                .cluster().cache().file(l.id())), Files.readAllBytes(c.cluster().cache().file(l.id())));
    }
}
