package org.layerswap.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ClusterView;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerSourceException;
import org.layerswap.api.config.SecretToken;
import org.layerswap.testkit.Await;

/**
 * The fetch order and the single flight, with an in-memory directory (unit test) but real peer endpoints on loopback,
 * real caches and a counting registry opener.
 */
class PeerFetcherTest {

    static final SecretToken TOKEN = SecretToken.of("cluster-token-0123456789", "cluster token");

    @TempDir
    Path dir;

    final MemoryDirectory.Shared cluster = new MemoryDirectory.Shared();
    final byte[] blob = Blobs.random(200_000, 7);
    final LayerDescriptor layer = Blobs.descriptor(blob);
    final AtomicInteger registryOpens = new AtomicInteger();
    final BlobCache.Opener registry = off -> {
        registryOpens.incrementAndGet();
        return Blobs.cut(blob, off, -1);
    };
    final List<AutoCloseable> closing = new ArrayList<>();

    /** A member: its cache, endpoint, directory view, counters and fetcher. */
    final class Node {
        final BlobCache cache;
        final BlobServer server;
        final MemoryDirectory directory;
        final TransferCounters counters = new TransferCounters();
        final PeerFetcher fetcher;

        Node(String uuid, Duration peerWait, java.util.function.LongSupplier clock, SecretToken token) throws Exception {
            cache = new BlobCache(dir.resolve(uuid));
            server = new BlobServer("127.0.0.1", 0, cache, token, counters);
            closing.add(server);
            directory = cluster.member(uuid, server.endpoint());
            fetcher = new PeerFetcher(directory, cache, new PeerClient(token, Duration.ofSeconds(5)), counters, peerWait, 2, clock);
        }

        Node(String uuid, Duration peerWait, java.util.function.LongSupplier clock) throws Exception {
            this(uuid, peerWait, clock, TOKEN);
        }

        Node(String uuid) throws Exception {
            this(uuid, Duration.ofSeconds(30), System::nanoTime);
        }

        ClusterView.PeerCounters counts() {
            return counters.snapshot();
        }
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void theFirstMissPullsFromTheRegistryAndPublishesTheNextComesFromThatPeer() throws Exception {
        Node a = new Node("a");
        Node b = new Node("b");
        a.fetcher.ensure(layer, registry);
        assertEquals(Map.of("a", a.server.endpoint()), a.directory.holders(layer.id()));
        b.fetcher.ensure(layer, registry);
        assertEquals(1, registryOpens.get());
        assertArrayEquals(blob, Files.readAllBytes(b.cache.file(layer.id())));
        // the endpoint counts a blob once its last byte went out: possibly just after b finished reading it
        Await.until(Duration.ofSeconds(5), () -> a.counts().served() == 1, "a counts the blob it served");
        assertEquals(new ClusterView.PeerCounters(1, 0, 0, 0, 1, 0, 0), a.counts());
        assertEquals(new ClusterView.PeerCounters(0, 1, 0, 0, 0, 0, 0), b.counts());
        assertEquals(2, b.directory.holders(layer.id()).size());
        b.fetcher.ensure(layer, registry);
        assertEquals(1, b.counts().fetched(), "a blob already held is not fetched again");
    }

    @Test
    void aPeerServingCorruptedBytesIsRefusedAndTheNextPeerServesIt() throws Exception {
        Node a = new Node("a");
        Node b = new Node("b");
        Node c = new Node("c");
        a.fetcher.ensure(layer, registry);
        b.fetcher.ensure(layer, registry);
        corrupt(a.cache.file(layer.id())); // "a" sorts first: c tries it first
        c.fetcher.ensure(layer, registry);
        assertArrayEquals(blob, Files.readAllBytes(c.cache.file(layer.id())));
        assertEquals(new ClusterView.PeerCounters(0, 1, 1, 0, 0, 0, 0), c.counts());
        assertEquals(1, registryOpens.get(), "the layer came from peer b, not from the registry");
    }

    @Test
    void whenEveryPeerFailsOrLiesTheRegistryIsTheFallbackAndNothingCorruptIsKept() throws Exception {
        Node a = new Node("a");
        Node b = new Node("b");
        a.fetcher.ensure(layer, registry);
        corrupt(a.cache.file(layer.id()));
        cluster.member("gone", "http://127.0.0.1:1").add(layer.id()); // a holder whose endpoint refuses connections
        b.fetcher.ensure(layer, registry);
        assertArrayEquals(blob, Files.readAllBytes(b.cache.file(layer.id())));
        ClusterView.PeerCounters n = b.counts();
        assertEquals(1, n.refused());
        assertEquals(1, n.peerFailures());
        assertEquals(1, n.registryPulls());
        assertEquals(1, n.fallbacks());
        assertEquals(2, registryOpens.get());
    }

    @Test
    void aMemberWithAnotherTokenGets401FromItsPeerAndFallsBackToTheRegistry() throws Exception {
        Node a = new Node("a");
        Node stranger = new Node("b", Duration.ofSeconds(30), System::nanoTime, SecretToken.of("not-this-cluster-token-42", "cluster token"));
        a.fetcher.ensure(layer, registry);
        stranger.fetcher.ensure(layer, registry);
        assertEquals(new ClusterView.PeerCounters(0, 0, 0, 1, 1, 1, 0), stranger.counts());
        assertEquals(0, a.counts().served(), "a served nothing to a caller without the cluster token");
        assertEquals(2, registryOpens.get());
    }

    @Test
    void aMissWaitsForTheMemberPullingTheLayerAndThenFetchesFromIt() throws Exception {
        Node a = new Node("a");
        Node b = new Node("b");
        assertTrue(a.directory.tryClaimPull(layer.id()), "a starts its registry pull");
        CompletableFuture<Void> waiting = ensureAsync(b);
        Await.until(Duration.ofSeconds(10), () -> b.counts().waits() == 1, "b waits for a's pull");
        a.cache.fill(layer, registry, 1); // a's pull completes and is published
        a.directory.add(layer.id());
        a.directory.releasePull(layer.id());
        waiting.get(10, TimeUnit.SECONDS);
        assertEquals(1, registryOpens.get());
        assertEquals(new ClusterView.PeerCounters(0, 1, 0, 0, 0, 0, 1), b.counts());
    }

    @Test
    void aClaimReleasedWithoutAPublishedBlobLetsTheWaiterPullItself() throws Exception {
        Node a = new Node("a");
        Node b = new Node("b");
        assertTrue(a.directory.tryClaimPull(layer.id()));
        CompletableFuture<Void> waiting = ensureAsync(b);
        Await.until(Duration.ofSeconds(10), () -> b.counts().waits() == 1, "b waits for a's pull");
        a.directory.releasePull(layer.id()); // a's pull failed
        waiting.get(10, TimeUnit.SECONDS);
        assertEquals(1, b.counts().registryPulls());
        assertEquals(0, b.counts().fallbacks());
        assertFalse(b.directory.pullClaimant(layer.id()).isPresent(), "b released its own claim");
    }

    @Test
    void aClaimantThatNeverPublishesDelaysAMissByAtMostPeerWait() throws Exception {
        AtomicLong now = new AtomicLong();
        Node a = new Node("a");
        Node b = new Node("b", Duration.ofSeconds(120), now::get);
        assertTrue(a.directory.tryClaimPull(layer.id()));
        CompletableFuture<Void> waiting = ensureAsync(b);
        Await.until(Duration.ofSeconds(10), () -> b.counts().waits() == 1, "b waits for a's pull");
        assertFalse(waiting.isDone());
        now.addAndGet(Duration.ofSeconds(120).toNanos()); // the injected clock passes peerWait
        waiting.get(10, TimeUnit.SECONDS);
        assertEquals(1, b.counts().registryPulls());
        assertEquals(1, b.counts().fallbacks());
        assertEquals("a", b.directory.pullClaimant(layer.id()).orElseThrow(), "a's claim is a's to release");
    }

    @Test
    void aFailingRegistryReleasesTheClaimAndFailsTheMiss() throws Exception {
        Node a = new Node("a");
        LayerSourceException e = assertThrows(LayerSourceException.class, () -> a.fetcher.ensure(layer, off -> {
            throw new LayerSourceException("registry says 404", false);
        }));
        assertEquals("registry says 404", e.getMessage());
        assertFalse(a.directory.pullClaimant(layer.id()).isPresent());
        assertFalse(a.cache.has(layer.id()));
    }

    /** {@code n} ensures the layer on another thread (to be seen waiting). */
    CompletableFuture<Void> ensureAsync(Node n) {
        return CompletableFuture.runAsync(() -> {
            try {
                n.fetcher.ensure(layer, registry);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static void corrupt(Path f) throws Exception {
        byte[] b = Files.readAllBytes(f);
        b[b.length / 2] ^= 0x01;
        Files.write(f, b);
    }
}
