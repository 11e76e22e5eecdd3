package org.layerswap.source.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.layerswap.api.LayerSourceException;

class RegistryTransportTest {

    final ScriptedServer server = new ScriptedServer();

    RegistryTransportTest() throws Exception {
    }

    @AfterEach
    void stop() {
        server.close();
    }

    RegistryTransport transport(RegistryConfig c) {
        return new RegistryTransport(c);
    }

    RegistryConfig config() {
        return RegistryConfig.of(server.url()).withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3))
                .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(300));
    }

    static HttpResponse<String> get(RegistryTransport t, String repository) throws LayerSourceException {
        return t.send("req", repository, () -> HttpRequest.newBuilder(t.v2(repository, "manifests/1")).GET(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestsGoBelowV2OfTheRegistry() {
        RegistryTransport t = transport(RegistryConfig.of("https://reg.example:5000/"));
        assertEquals(URI.create("https://reg.example:5000/v2/a/b/blobs/sha256:00"), t.v2("a/b", "blobs/sha256:00"));
    }

    @Test
    void serverErrorsAndTooManyRequestsAreRetriedUntilAnAnswer() throws Exception {
        server.then(503, "busy").then(429, "slow down").then(200, "{}");
        RegistryTransport t = transport(config());
        HttpResponse<String> r = get(t, "a/b");
        assertEquals(200, r.statusCode());
        assertEquals("{}", r.body());
        assertEquals(3, t.attempts());
        assertEquals("/v2/a/b/manifests/1", server.requests.get(2).path());
    }

    @Test
    void theLastAttemptsServerErrorIsReturnedForTheCallerToName() throws Exception {
        server.then(500, "a").then(500, "b").then(502, "bad gateway");
        RegistryTransport t = transport(config());
        HttpResponse<String> r = get(t, "a/b");
        assertEquals(502, r.statusCode());
        assertEquals(3, t.attempts());
    }

    @Test
    void aClientErrorIsNotRetried() throws Exception {
        server.then(404, "no such manifest");
        RegistryTransport t = transport(config());
        assertEquals(404, get(t, "a/b").statusCode());
        assertEquals(1, t.attempts());
    }

    @Test
    void aChallengeIsAnsweredOnceAndTheRequestRepeatedWithCredentials() throws Exception {
        server.then(401, Map.of("WWW-Authenticate", "Basic realm=\"r\""), "").then(200, "ok");
        RegistryTransport t = transport(config().withCredentials("bob", "hunter2"));
        assertEquals("ok", get(t, "a/b").body());
        assertEquals(null, server.requests.get(0).authorization());
        assertEquals(RegistryAuthTest.basic("bob", "hunter2"), server.requests.get(1).authorization());
        assertEquals(2, t.attempts());
    }

    @Test
    void aSecond401OrA403IsAccessDeniedNamingTheUser() {
        server.then(401, Map.of("WWW-Authenticate", "Basic realm=\"r\""), "").then(401, Map.of("WWW-Authenticate", "Basic"), "")
                .then(403, "");
        RegistryTransport t = transport(config().withCredentials("bob", "nope"));
        LayerSourceException e = assertThrows(LayerSourceException.class, () -> get(t, "a/b"));
        assertTrue(e.getMessage().equals("req: access denied (HTTP 401) for user bob"), e.getMessage());
        assertFalse(e.retryable());
        LayerSourceException forbidden = assertThrows(LayerSourceException.class, () -> get(transport(config()), "a/b"));
        assertTrue(forbidden.getMessage().contains("access denied (HTTP 403) (anonymous: configure credentials)"),
                forbidden.getMessage());
    }

    @Test
    void aRegistryThatFailedEveryAttemptIsBackedOffWithoutNetwork() throws Exception {
        String url = server.url();
        server.close(); // nothing listens there any more
        RegistryTransport t = transport(RegistryConfig.of(url).withRetries(2, Duration.ofMillis(10), Duration.ofSeconds(30)));
        LayerSourceException e = assertThrows(LayerSourceException.class, () -> get(t, "a/b"));
        assertTrue(e.getMessage().contains("failed 2 attempts") && e.getMessage().contains("connection refused")
                && e.getMessage().contains("backing off for 30000 ms"), e.getMessage());
        assertTrue(e.retryable());
        LayerSourceException again = assertThrows(LayerSourceException.class, () -> get(t, "a/b"));
        assertTrue(again.getMessage().contains("is backed off for another") && again.getMessage().contains("connection refused"),
                again.getMessage());
        assertEquals(2, t.attempts(), "no request during the down period");
    }

    @Test
    void requireOkNamesNotFoundAndMarksServerErrorsRetryable() throws Exception {
        server.then(404, "manifest unknown").then(503, "x".repeat(400)).then(400, "").then(200, "fine");
        RegistryTransport t = transport(config().withRetries(1, Duration.ofMillis(10), Duration.ofMillis(10)));
        LayerSourceException nf = assertThrows(LayerSourceException.class, () -> RegistryTransport.requireOk(bytes(t), "req"));
        assertEquals("req: not found (HTTP 404) manifest unknown", nf.getMessage());
        assertFalse(nf.retryable());
        LayerSourceException busy = assertThrows(LayerSourceException.class, () -> RegistryTransport.requireOk(bytes(t), "req"));
        assertTrue(busy.retryable());
        assertEquals("req: HTTP 503 " + "x".repeat(300) + "...", busy.getMessage());
        LayerSourceException bad = assertThrows(LayerSourceException.class, () -> RegistryTransport.requireOk(bytes(t), "req"));
        assertFalse(bad.retryable());
        RegistryTransport.requireOk(bytes(t), "req");
    }

    static HttpResponse<byte[]> bytes(RegistryTransport t) throws LayerSourceException {
        return t.send("req", "a/b", () -> HttpRequest.newBuilder(t.v2("a/b", "blobs/x")).GET(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
