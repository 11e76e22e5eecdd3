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
import java.util.Set;
import java.util.concurrent.TimeUnit;

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

    RegistryTransport transport(RegistrySettings c) {
        return new RegistryTransport(c);
    }

    RegistrySettings config() {
        return RegistrySettings.of(server.url()).withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3))
                .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(300));
    }

    static HttpResponse<String> get(RegistryTransport t, String repository) throws LayerSourceException {
        return t.send("req", repository, () -> HttpRequest.newBuilder(t.v2(repository, "manifests/1")).GET(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestsGoBelowV2OfTheRegistry() {
        RegistryTransport t = transport(RegistrySettings.of("https://reg.example:5000/"));
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
        RegistryTransport t = transport(RegistrySettings.of(url).withRetries(2, Duration.ofMillis(10), Duration.ofSeconds(30)));
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

    @Test
    void aRedirectToAnotherHostIsFollowedWithoutTheCredentials() throws Exception {
        try (ScriptedServer cdn = new ScriptedServer("127.0.0.2")) {
            Map<String, String> toCdn = Map.of("Location", cdn.url() + "/blob?sig=1");
            server.then(401, Map.of("WWW-Authenticate", "Basic realm=\"r\""), "").then(307, toCdn, "");
            cdn.then(200, "blob").then(200, "blob again");
            RegistryTransport t = transport(config().withCredentials("bob", "hunter2"));
            assertEquals("blob", get(t, "a/b").body());
            assertEquals(RegistryAuthTest.basic("bob", "hunter2"), server.requests.get(1).authorization());
            assertEquals("/blob", cdn.requests.get(0).path());
            assertEquals(null, cdn.requests.get(0).authorization(), "no credentials to another host");
            RegistryTransport trusting = transport(config().withCredentials("bob", "hunter2").withTrust(Set.of("127.0.0.2"), false, 1 << 20));
            server.then(401, Map.of("WWW-Authenticate", "Basic realm=\"r\""), "").then(302, toCdn, "");
            assertEquals("blob again", get(trusting, "a/b").body());
            assertEquals(RegistryAuthTest.basic("bob", "hunter2"), cdn.requests.get(1).authorization(), "listed in credentialHosts");
        }
    }

    @Test
    void aRedirectToAnotherSchemeOrInALoopIsRefused() throws Exception {
        server.then(302, Map.of("Location", "file:///etc/shadow"), "");
        RegistryTransport t = transport(config().withCredentials("bob", "hunter2"));
        LayerSourceException file = assertThrows(LayerSourceException.class, () -> get(t, "a/b"));
        assertTrue(file.getMessage().contains("to 'file:///etc/shadow' refused: only http(s) targets are followed"), file.getMessage());
        assertFalse(file.retryable());
        for (int i = 0; i <= RegistryTransport.MAX_REDIRECTS; i++) {
            server.then(301, Map.of("Location", "/v2/a/b/manifests/" + i), "");
        }
        LayerSourceException loop = assertThrows(LayerSourceException.class, () -> get(t, "a/b"));
        assertTrue(loop.getMessage().contains("more than 5 redirects"), loop.getMessage());
        assertEquals(1 + 6, server.requests.size());
    }

    @Test
    void anOversizedManifestIsRefusedWithoutReadingItAllNorRetrying() throws Exception {
        long huge = 256L << 20;
        server.thenLarge(huge, false);
        RegistryClient c = new RegistryClient(config().withTrust(Set.of(), false, 64 << 10));
        LayerSourceException e = assertThrows(LayerSourceException.class, () -> c.resolve("a/b:1"));
        assertTrue(e.getMessage().contains(server.url() + "/v2/a/b/manifests/1") && e.getMessage().contains("over the limit of 65536 bytes"),
                e.getMessage());
        assertFalse(e.retryable());
        assertEquals(1, c.attempts(), "a refusal is not retried");
        assertTrue(server.largeDone.await(20, TimeUnit.SECONDS), "the server saw the client hang up");
        assertTrue(server.bodyBytesWritten.get() < huge / 4, "read " + server.bodyBytesWritten.get() + " of " + huge);
    }

    static HttpResponse<byte[]> bytes(RegistryTransport t) throws LayerSourceException {
        return t.send("req", "a/b", () -> HttpRequest.newBuilder(t.v2("a/b", "blobs/x")).GET(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
