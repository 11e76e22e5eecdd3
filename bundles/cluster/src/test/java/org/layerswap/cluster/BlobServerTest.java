package org.layerswap.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerSourceException;
import org.layerswap.api.config.SecretToken;

/** The peer endpoint over real HTTP on loopback, with the real client. */
class BlobServerTest {

    static final String TOKEN = "cluster-token-0123456789";

    @TempDir
    Path dir;

    final byte[] blob = Blobs.random(500_000, 2);
    final LayerDescriptor layer = Blobs.descriptor(blob);
    final TransferCounters counters = new TransferCounters();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    BlobCache cache;
    BlobServer server;

    @BeforeEach
    void start() throws Exception {
        cache = new BlobCache(dir.resolve("served"));
        cache.fill(layer, off -> Blobs.cut(blob, off, -1), 1);
        server = new BlobServer("127.0.0.1", 0, cache, SecretToken.of(TOKEN, "cluster token"), counters);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<byte[]> get(String path, String authorization, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.endpoint() + path)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aMissingOrWrongTokenGets401WithABearerChallengeAndNoBytes() throws Exception {
        for (String auth : new String[] {null, "Bearer wrong-token-0123456789", "Basic a2FyYWY6a2FyYWY=", "Bearer "}) {
            HttpResponse<byte[]> r = get(PeerClient.PATH + layer.id().digest(), auth, null);
            assertEquals(401, r.statusCode(), "auth " + auth);
            assertEquals("Bearer realm=\"layerswap-cluster\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
            assertTrue(r.body().length < 200);
        }
        LayerSourceException e = assertThrows(LayerSourceException.class,
                () -> new PeerClient(SecretToken.of("another-cluster-token-42", "cluster token"), Duration.ofSeconds(5)).open(server.endpoint(), layer.id(), 0));
        assertFalse(e.retryable(), "a wrong token is not retried");
        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        assertEquals(0, counters.snapshot().served());
    }

    @Test
    void withTheTokenTheBlobIsServedWholeOrFromARange() throws Exception {
        HttpResponse<byte[]> whole = get(PeerClient.PATH + layer.id().digest(), "Bearer " + TOKEN, null);
        assertEquals(200, whole.statusCode());
        assertArrayEquals(blob, whole.body());
        HttpResponse<byte[]> tail = get(PeerClient.PATH + layer.id().digest(), "Bearer " + TOKEN, "bytes=400000-");
        assertEquals(206, tail.statusCode());
        assertEquals("bytes 400000-499999/500000", tail.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(java.util.Arrays.copyOfRange(blob, 400_000, 500_000), tail.body());
        HttpResponse<byte[]> slice = get(PeerClient.PATH + layer.id().digest(), "Bearer " + TOKEN, "bytes=10-19");
        assertArrayEquals(java.util.Arrays.copyOfRange(blob, 10, 20), slice.body());
        org.layerswap.testkit.Await.until(Duration.ofSeconds(5), () -> counters.snapshot().served() == 3, "three transfers counted");
    }

    @Test
    void badRangesDigestsAndAbsentBlobsGetTheirOwnStatus() throws Exception {
        String auth = "Bearer " + TOKEN;
        HttpResponse<byte[]> past = get(PeerClient.PATH + layer.id().digest(), auth, "bytes=500000-");
        assertEquals(416, past.statusCode());
        assertEquals("bytes */500000", past.headers().firstValue("Content-Range").orElse(""));
        assertEquals(416, get(PeerClient.PATH + layer.id().digest(), auth, "bytes=0-1,5-6").statusCode());
        assertEquals(400, get(PeerClient.PATH + "sha256:xyz", auth, null).statusCode());
        assertEquals(400, get(PeerClient.PATH + "..%2F..%2Fetc%2Fpasswd", auth, null).statusCode());
        LayerDescriptor other = Blobs.descriptor(Blobs.random(10, 3));
        assertEquals(404, get(PeerClient.PATH + other.id().digest(), auth, null).statusCode());
        assertEquals(0, counters.snapshot().served());
    }

    @Test
    void aTransferCutHalfwayResumesWithARangeRequestAndIsVerified() throws Exception {
        PeerClient client = new PeerClient(SecretToken.of(TOKEN, "cluster token"), Duration.ofSeconds(5));
        BlobCache receiver = new BlobCache(dir.resolve("received"));
        List<Long> offsets = new ArrayList<>();
        receiver.fill(layer, off -> {
            offsets.add(off);
            InputStream in = client.open(server.endpoint(), layer.id(), off);
            if (offsets.size() == 1) {
                // the connection breaks after 200 000 bytes: read them, then fail like a reset socket
                byte[] first = in.readNBytes(200_000);
                in.close();
                return new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(first), Blobs.cut(new byte[1], 0, 0));
            }
            return in;
        }, 3);
        assertEquals(List.of(0L, 200_000L), offsets);
        assertArrayEquals(blob, Files.readAllBytes(receiver.file(layer.id())));
    }
}
