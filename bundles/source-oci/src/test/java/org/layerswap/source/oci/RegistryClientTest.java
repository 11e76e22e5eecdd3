package org.layerswap.source.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ImageConfig;
import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerSourceException;
import org.layerswap.oci.format.Descriptor;
import org.layerswap.oci.format.Digests;
import org.layerswap.oci.format.OciLayoutWriter;
import org.layerswap.oci.format.OciManifests;
import org.layerswap.oci.format.OciMediaTypes;
import org.layerswap.source.oci.testing.FaultProxy;
import org.layerswap.source.oci.testing.LocalRegistry;

/** Against a real docker-registry on loopback. */
class RegistryClientTest {

    @TempDir
    static Path work;

    static LocalRegistry registry;
    static OciLayoutWriter layout;
    static List<OciLayoutWriter.LayerBlob> layers = new ArrayList<>();

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = LocalRegistry.start(work.resolve("reg"));
        layout = OciLayoutWriter.create(work.resolve("layout"));
        byte[] random = new byte[3 << 20];
        new Random(7).nextBytes(random);
        layers.add(layout.addLayer(t -> t.directory("usr", 0755).directory("usr/bin", 0755).file("usr/bin/tool", 0755, random)));
        layers.add(layout.addLayer(t -> t.directory("etc", 0755).file("etc/hostname", "fn\n").symlink("etc/alias", "hostname")));
        layers.add(layout.addLayer(false, t -> t.directory("app", 0755).file("app/main.py", "print('hi')\n")));
        layout.addImage("fn:1", layers, new ImageConfig(List.of("python3"), List.of("/app/main.py"), List.of("A=1"), "/app"));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    static RegistryClient client(String url) {
        return new RegistryClient(RegistrySettings.of(url).withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3))
                .withRetries(3, Duration.ofMillis(50), Duration.ofMillis(400)));
    }

    @Test
    void pushThenResolveMultiLayerImageAndVerifyEveryBlob() throws Exception {
        RegistryClient c = client(registry.url());
        new RegistryPusher(c).pushFromLayout(layout.root(), "fn:1", "functions/fn", "1");
        ImageManifest m = c.resolve("functions/fn:1");
        assertEquals("functions/fn", m.repository());
        assertEquals(layers.stream().map(OciLayoutWriter.LayerBlob::descriptor).toList(), m.layers());
        assertEquals("/app", m.config().workingDir());
        for (LayerDescriptor l : m.layers()) {
            try (InputStream in = c.openBlob(m.repository(), l, 0)) {
                assertEquals(l.id().digest(), Digests.sha256(in.readAllBytes()));
            }
        }
        // by digest, and with the registry host in the reference
        assertEquals(m.layers(), c.resolve(registry.hostPort() + "/functions/fn@" + m.manifestDigest()).layers());
    }

    @Test
    void theManifestIsServedByteForByteByItsDigestAndAnUnknownOrMalformedDigestIsRefused() throws Exception {
        RegistryClient c = client(registry.url());
        new RegistryPusher(c).pushFromLayout(layout.root(), "fn:1", "functions/bytes", "1");
        ImageManifest m = c.resolve("functions/bytes:1");
        byte[] manifest = c.manifestBytes("functions/bytes", m.manifestDigest());
        assertEquals(m.manifestDigest(), Digests.sha256(manifest));
        assertEquals(m.layers(), OciManifests.parseManifest(manifest).layers());
        String unknown = "sha256:" + "0".repeat(64);
        LayerSourceException e = assertThrows(LayerSourceException.class, () -> c.manifestBytes("functions/bytes", unknown));
        assertTrue(e.getMessage().contains("manifest " + unknown), e.getMessage());
        LayerSourceException tag = assertThrows(LayerSourceException.class, () -> c.manifestBytes("functions/bytes", "1"));
        assertTrue(tag.getMessage().contains("must be sha256:<hex>, got '1'"), tag.getMessage());
    }

    @Test
    void imageIndexResolvesToLinuxAmd64() throws Exception {
        RegistryClient c = client(registry.url());
        RegistryPusher pusher = new RegistryPusher(c);
        pusher.pushFromLayout(layout.root(), "fn:1", "functions/multi", "amd64only");
        ImageManifest single = c.resolve("functions/multi:amd64only");
        // an arm64 variant with just the last layer, pushed by digest
        Descriptor cfg = layout.addBlob(OciMediaTypes.OCI_CONFIG, OciManifests.writeConfig(ImageConfig.EMPTY, List.of(layers.get(2).diffId()), "linux", "arm64"));
        byte[] armManifest = OciManifests.writeManifest(cfg, List.of(layers.get(2).descriptor()));
        pusher.pushBlob("functions/multi", cfg.digest(), layout.blob(cfg.digest()));
        pusher.pushManifest("functions/multi", Digests.sha256(armManifest), OciMediaTypes.OCI_MANIFEST, armManifest);
        byte[] index = OciManifests.writeIndex(List.of(
                new Descriptor(OciMediaTypes.OCI_MANIFEST, Digests.sha256(armManifest), armManifest.length, Map.of(), "linux", "arm64", "v8"),
                new Descriptor(OciMediaTypes.OCI_MANIFEST, single.manifestDigest(), Files.size(layout.blob(single.manifestDigest())), Map.of(), "linux", "amd64", null)));
        pusher.pushManifest("functions/multi", "2", OciMediaTypes.OCI_INDEX, index);
        ImageManifest m = c.resolve("functions/multi:2");
        assertEquals(single.manifestDigest(), m.manifestDigest());
        assertEquals(3, m.layers().size());
    }

    @Test
    void skopeoPushedImageResolvesIdentically() throws Exception {
        registry.skopeoCopy(layout.root(), "fn:1", "functions/skopeo:1");
        RegistryClient c = client(registry.url());
        ImageManifest m = c.resolve("functions/skopeo:1");
        // skopeo keeps compressed layers as they are and gzips the uncompressed one
        assertEquals(layers.stream().limit(2).map(OciLayoutWriter.LayerBlob::descriptor).toList(), m.layers().subList(0, 2));
        assertEquals(OciMediaTypes.OCI_LAYER_GZIP, m.layers().get(2).mediaType());
        for (LayerDescriptor l : m.layers()) {
            try (InputStream in = c.openBlob(m.repository(), l, 0)) {
                assertEquals(l.id().digest(), Digests.sha256(in.readAllBytes()));
            }
        }
    }

    @Test
    void dockerV2ManifestFromSkopeoResolves() throws Exception {
        registry.skopeoCopy(layout.root(), "fn:1", "functions/docker:1", "--format", "v2s2");
        RegistryClient c = client(registry.url());
        ImageManifest m = c.resolve("functions/docker:1");
        assertEquals(3, m.layers().size());
        assertEquals(OciMediaTypes.DOCKER_LAYER_GZIP, m.layers().get(0).mediaType());
        assertEquals(layers.get(0).descriptor().id(), m.layers().get(0).id());
        assertEquals(List.of("python3"), m.config().entrypoint());
    }

    @Test
    void rangeRequestReturnsTheTail() throws Exception {
        RegistryClient c = client(registry.url());
        new RegistryPusher(c).pushFromLayout(layout.root(), "fn:1", "functions/range", "1");
        LayerDescriptor big = layers.get(0).descriptor();
        byte[] all = Files.readAllBytes(layout.blob(big.id().digest()));
        try (InputStream in = c.openBlob("functions/range", big, 1_000_001)) {
            assertArrayEquals(Arrays.copyOfRange(all, 1_000_001, all.length), in.readAllBytes());
        }
    }

    @Test
    void unknownRepositoryOrTagNamesWhatWasAsked() throws Exception {
        LayerSourceException e = assertThrows(LayerSourceException.class, () -> client(registry.url()).resolve("nobody/here:9"));
        assertTrue(e.getMessage().contains("nobody/here") && e.getMessage().contains("HTTP 404") && e.getMessage().contains(registry.url()),
                e.getMessage());
        assertFalse(e.retryable());
        assertThrows(LayerSourceException.class, () -> client(registry.url()).resolve("UPPER/case"));
    }

    @Test
    void basicAuthWithHtpasswd() throws Exception {
        try (LocalRegistry secured = LocalRegistry.start(work.resolve("reg-auth"), "bob", "hunter2")) {
            RegistryClient anonymous = client(secured.url());
            LayerSourceException e = assertThrows(LayerSourceException.class, () -> anonymous.resolve("x/y:1"));
            assertTrue(e.getMessage().contains("basic auth") && e.getMessage().contains("no credentials"), e.getMessage());
            RegistryClient wrong = new RegistryClient(client(secured.url()).config().withCredentials("bob", "nope"));
            LayerSourceException denied = assertThrows(LayerSourceException.class, () -> wrong.resolve("x/y:1"));
            assertTrue(denied.getMessage().contains("HTTP 401") && denied.getMessage().contains("bob"), denied.getMessage());
            RegistryClient bob = new RegistryClient(client(secured.url()).config().withCredentials("bob", "hunter2"));
            new RegistryPusher(bob).pushFromLayout(layout.root(), "fn:1", "x/y", "1");
            assertEquals(3, bob.resolve("x/y:1").layers().size());
        }
    }

    @Test
    void bearerTokenFromChallenge() throws Exception {
        new RegistryPusher(client(registry.url())).pushFromLayout(layout.root(), "fn:1", "functions/tok", "1");
        try (FaultProxy proxy = new FaultProxy(registry.url())) {
            proxy.bearerToken = "tkn-" + System.nanoTime();
            LayerSourceException anon = assertThrows(LayerSourceException.class, () -> client(proxy.url()).resolve("functions/tok:1"));
            assertTrue(anon.getMessage().contains("token endpoint") && anon.getMessage().contains("401"), anon.getMessage());
            RegistryClient alice = new RegistryClient(client(proxy.url()).config().withCredentials("alice", "s3cret"));
            ImageManifest m = alice.resolve("functions/tok:1");
            try (InputStream in = alice.openBlob(m.repository(), m.layers().get(1), 0)) {
                assertEquals(m.layers().get(1).id().digest(), Digests.sha256(in.readAllBytes()));
            }
            assertEquals(1, proxy.tokensIssued.get(), "token is cached per repository");
            assertTrue(proxy.seen().stream().anyMatch(s -> ("Bearer " + proxy.bearerToken).equals(s.authorization())));
        }
    }

    @Test
    void registryDownGivesClearErrorWithBackoffInBoundedTime() throws Exception {
        int port = LocalRegistry.freePort(); // nothing listens there
        RegistryClient c = client("http://127.0.0.1:" + port);
        long t0 = System.nanoTime();
        LayerSourceException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(LayerSourceException.class, () -> c.resolve("a/b:1")));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.getMessage().contains("127.0.0.1:" + port) && e.getMessage().contains("connection refused")
                && e.getMessage().contains("3 attempts"), e.getMessage());
        assertTrue(e.retryable());
        assertEquals(3, c.attempts());
        assertTrue(ms >= 50 + 100, "backed off between attempts, took " + ms + " ms");
        // during the back-off period the registry is not contacted again: fails fast
        long t1 = System.nanoTime();
        LayerSourceException again = assertThrows(LayerSourceException.class, () -> c.resolve("a/b:1"));
        assertTrue(again.getMessage().contains("backed off"), again.getMessage());
        assertTrue((System.nanoTime() - t1) / 1_000_000 < 1000, "fail fast without network");
        assertEquals(3, c.attempts());
    }

    @Test
    void silentServerTimesOutInsteadOfHanging() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accept, never answer
                    }
                } catch (IOException ignored) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            RegistryClient c = new RegistryClient(RegistrySettings.of("http://127.0.0.1:" + silent.getLocalPort())
                    .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500)).withRetries(2, Duration.ofMillis(10), Duration.ofMillis(20)));
            LayerSourceException e = assertTimeoutPreemptively(Duration.ofSeconds(8),
                    () -> assertThrows(LayerSourceException.class, () -> c.resolve("a/b:1")));
            assertTrue(e.getMessage().contains("no response within the timeout"), e.getMessage());
        }
    }

    @Test
    void stalledBlobReadFailsAfterReadTimeout() throws Exception {
        RegistryClient direct = client(registry.url());
        new RegistryPusher(direct).pushFromLayout(layout.root(), "fn:1", "functions/stall", "1");
        try (FaultProxy proxy = new FaultProxy(registry.url())) {
            proxy.stallsLeft.set(1);
            proxy.stallMillis = 8_000;
            RegistryClient c = new RegistryClient(RegistrySettings.of(proxy.url()).withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(600)));
            LayerDescriptor big = layers.get(0).descriptor();
            IOException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(IOException.class, () -> {
                try (InputStream in = c.openBlob("functions/stall", big, 0)) {
                    in.readAllBytes();
                }
            }));
            assertTrue(e.getMessage().contains("read timeout") && e.getMessage().contains(big.id().digest()), e.getMessage());
        }
    }

    @Test
    void interruptedBlobCanBeResumedWithRange() throws Exception {
        RegistryClient direct = client(registry.url());
        new RegistryPusher(direct).pushFromLayout(layout.root(), "fn:1", "functions/cut", "1");
        try (FaultProxy proxy = new FaultProxy(registry.url())) {
            proxy.cutsLeft.set(1);
            RegistryClient c = client(proxy.url());
            LayerDescriptor big = layers.get(0).descriptor();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            try (InputStream in = c.openBlob("functions/cut", big, 0)) {
                assertThrows(IOException.class, () -> in.transferTo(got));
            }
            int partial = got.size();
            assertTrue(partial > 0 && partial < big.sizeBytes(), "partial " + partial);
            try (InputStream in = c.openBlob("functions/cut", big, partial)) {
                in.transferTo(got);
            }
            assertEquals(big.id().digest(), Digests.sha256(got.toByteArray()));
            assertTrue(proxy.seen().stream().anyMatch(s -> ("bytes=" + partial + "-").equals(s.range())), proxy.seen().toString());
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
