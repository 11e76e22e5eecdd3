package org.layerswap.source.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.layerswap.api.LayerSourceException;

class RegistryAuthTest {

    final ScriptedServer tokens = new ScriptedServer();
    final AtomicLong requests = new AtomicLong();

    RegistryAuthTest() throws Exception {
    }

    @AfterEach
    void stop() {
        tokens.close();
    }

    RegistryAuth auth(RegistrySettings c) {
        return new RegistryAuth(c, HttpClient.newHttpClient(), requests);
    }

    static RegistrySettings anonymous() {
        return RegistrySettings.of("http://127.0.0.1:5000");
    }

    static String basic(String user, String pass) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void untilChallengedRequestsAreAnonymous() {
        assertEquals(Optional.empty(), auth(anonymous().withCredentials("bob", "pw")).authorization("x/y"));
    }

    @Test
    void aBasicChallengeSendsTheCredentialsForThatRepositoryOnly() throws Exception {
        RegistryAuth a = auth(anonymous().withCredentials("bob", "hunter2"));
        a.authenticate("req", "x/y", "Basic realm=\"registry\"");
        assertEquals(Optional.of(basic("bob", "hunter2")), a.authorization("x/y"));
        assertEquals(Optional.empty(), a.authorization("x/other"));
        assertEquals(0, requests.get(), "basic auth needs no request of its own");
    }

    @Test
    void aBasicChallengeWithoutCredentialsSaysNoneAreConfigured() {
        LayerSourceException e = assertThrows(LayerSourceException.class,
                () -> auth(anonymous()).authenticate("registry r repository x/y manifest 1", "x/y", "Basic realm=\"r\""));
        assertTrue(e.getMessage().startsWith("registry r repository x/y manifest 1: ") && e.getMessage().contains("no credentials"),
                e.getMessage());
        assertFalse(e.retryable());
    }

    @Test
    void aBearerChallengeFetchesOneTokenForTheRepositoryScopeWithTheCredentials() throws Exception {
        tokens.then(200, "{\"token\":\"tkn-1\",\"expires_in\":300}");
        RegistryAuth a = auth(anonymous().withCredentials("alice", "s3cret"));
        a.authenticate("req", "functions/fn", "Bearer realm=\"" + tokens.url() + "/token\",service=\"reg.example\"");
        assertEquals(Optional.of("Bearer tkn-1"), a.authorization("functions/fn"));
        assertEquals(Optional.empty(), a.authorization("functions/other"));
        assertEquals(1, tokens.requests.size());
        ScriptedServer.Request r = tokens.requests.get(0);
        assertEquals("/token", r.path());
        assertEquals("service=reg.example&scope=repository%3Afunctions%2Ffn%3Apull", r.query());
        assertEquals(basic("alice", "s3cret"), r.authorization());
        assertEquals(1, requests.get(), "the token request is counted");
    }

    @Test
    void theChallengesOwnScopeAndAnAccessTokenFieldAreUsed() throws Exception {
        tokens.then(200, "{\"access_token\":\"at-2\"}");
        RegistryAuth a = auth(anonymous());
        a.authenticate("req", "x/y", "Bearer realm=\"" + tokens.url() + "/token?a=1\",scope=\"repository:x/y:pull,push\"");
        assertEquals(Optional.of("Bearer at-2"), a.authorization("x/y"));
        ScriptedServer.Request r = tokens.requests.get(0);
        assertEquals("a=1&scope=repository%3Ax%2Fy%3Apull%2Cpush", r.query());
        assertEquals(null, r.authorization(), "anonymous token request");
    }

    @Test
    void aTokenEndpointThatRefusesOrSendsNoTokenIsAClearError() {
        tokens.then(401, "").then(200, "{\"expires_in\":1}").then(200, "not json");
        String challenge = "Bearer realm=\"" + tokens.url() + "/token\"";
        RegistryAuth a = auth(anonymous().withCredentials("carol", "x"));
        LayerSourceException refused = assertThrows(LayerSourceException.class, () -> a.authenticate("req", "x/y", challenge));
        assertTrue(refused.getMessage().contains("token endpoint " + tokens.url() + "/token answered HTTP 401 for user carol"),
                refused.getMessage());
        LayerSourceException none = assertThrows(LayerSourceException.class, () -> a.authenticate("req", "x/y", challenge));
        assertTrue(none.getMessage().contains("returned no token"), none.getMessage());
        LayerSourceException malformed = assertThrows(LayerSourceException.class, () -> a.authenticate("req", "x/y", challenge));
        assertTrue(malformed.getMessage().contains("malformed JSON"), malformed.getMessage());
        assertEquals(Optional.empty(), a.authorization("x/y"));
    }

    @Test
    void unsupportedSchemesAndRealmlessChallengesAreRefused() {
        RegistryAuth a = auth(anonymous());
        LayerSourceException digest = assertThrows(LayerSourceException.class, () -> a.authenticate("req", "x/y", "Digest realm=\"r\""));
        assertTrue(digest.getMessage().contains("unsupported challenge 'Digest realm=\"r\"'"), digest.getMessage());
        LayerSourceException empty = assertThrows(LayerSourceException.class, () -> a.authenticate("req", "x/y", ""));
        assertTrue(empty.getMessage().contains("unsupported challenge ''"), empty.getMessage());
        LayerSourceException realmless = assertThrows(LayerSourceException.class,
                () -> a.authenticate("req", "x/y", "Bearer service=\"s\""));
        assertTrue(realmless.getMessage().contains("without realm"), realmless.getMessage());
        assertEquals(0, requests.get());
    }

    @Test
    void aRealmOnAnotherHostGetsNoCredentialsUnlessThatHostIsAllowed() throws Exception {
        try (ScriptedServer other = new ScriptedServer("127.0.0.2")) {
            other.then(200, "{\"token\":\"anon\"}").then(200, "{\"token\":\"trusted\"}");
            String challenge = "Bearer realm=\"" + other.url() + "/token\"";
            RegistrySettings c = anonymous().withCredentials("alice", "s3cret").withTrust(Set.of(), true, 1 << 20);
            RegistryAuth a = auth(c);
            a.authenticate("req", "x/y", challenge);
            assertEquals(Optional.of("Bearer anon"), a.authorization("x/y"));
            assertEquals(null, other.requests.get(0).authorization(), "the credentials stay with the registry's host");
            RegistryAuth allowed = auth(c.withTrust(Set.of(" 127.0.0.2 "), true, 1 << 20));
            allowed.authenticate("req", "x/y", challenge);
            assertEquals(Optional.of("Bearer trusted"), allowed.authorization("x/y"));
            assertEquals(basic("alice", "s3cret"), other.requests.get(1).authorization());
        }
    }

    @Test
    void aPlainHttpOrOtherSchemeRealmIsRefusedBeforeAnyRequest() throws Exception {
        try (ScriptedServer other = new ScriptedServer("127.0.0.2")) {
            RegistryAuth loopback = auth(anonymous().withCredentials("alice", "s3cret"));
            LayerSourceException elsewhere = assertThrows(LayerSourceException.class,
                    () -> loopback.authenticate("req", "x/y", "Bearer realm=\"" + other.url() + "/token\""));
            assertTrue(elsewhere.getMessage().contains("bearer realm '" + other.url() + "/token' refused: plain http"),
                    elsewhere.getMessage());
            assertFalse(elsewhere.retryable());
            RegistryAuth remote = auth(RegistrySettings.of("https://reg.example").withCredentials("alice", "s3cret"));
            LayerSourceException http = assertThrows(LayerSourceException.class,
                    () -> remote.authenticate("req", "x/y", "Bearer realm=\"http://reg.example/token\""));
            assertTrue(http.getMessage().contains("plain http is allowed only on the registry's own loopback host"), http.getMessage());
            for (String realm : new String[] {"file:///etc/passwd", "ftp://reg.example/token", "/token"}) {
                LayerSourceException other2 = assertThrows(LayerSourceException.class,
                        () -> remote.authenticate("req", "x/y", "Bearer realm=\"" + realm + "\""));
                assertTrue(other2.getMessage().contains("only https:// token endpoints"), other2.getMessage());
            }
            assertEquals(0, requests.get());
            assertEquals(0, other.requests.size());
        }
    }

    @Test
    void theTokenEndpointsRedirectIsNotFollowed() throws Exception {
        try (ScriptedServer other = new ScriptedServer("127.0.0.2")) {
            tokens.then(302, Map.of("Location", other.url() + "/steal"), "");
            RegistryAuth a = new RegistryAuth(anonymous().withCredentials("bob", "pw"),
                    HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build(), requests);
            LayerSourceException e = assertThrows(LayerSourceException.class,
                    () -> a.authenticate("req", "x/y", "Bearer realm=\"" + tokens.url() + "/token\""));
            assertTrue(e.getMessage().contains("answered HTTP 302 (redirects of the token endpoint are not followed)"), e.getMessage());
            assertEquals(0, other.requests.size());
        }
    }

    @Test
    void anOversizedTokenResponseIsRefusedWithoutReadingItAll() throws Exception {
        long huge = 256L << 20;
        tokens.thenLarge(huge, false).thenLarge(huge, true);
        RegistryAuth a = auth(anonymous().withTrust(Set.of(), false, 64 << 10));
        String challenge = "Bearer realm=\"" + tokens.url() + "/token\"";
        LayerSourceException streamed = assertThrows(LayerSourceException.class, () -> a.authenticate("req", "x/y", challenge));
        assertTrue(streamed.getMessage().contains(tokens.url() + "/token?scope=") && streamed.getMessage().contains("over the limit of 65536 bytes"),
                streamed.getMessage());
        assertFalse(streamed.retryable());
        assertTrue(tokens.largeDone.await(20, TimeUnit.SECONDS), "the server saw the client hang up");
        assertTrue(tokens.bodyBytesWritten.get() < huge / 4, "read " + tokens.bodyBytesWritten.get() + " of " + huge);
        LayerSourceException declared = assertThrows(LayerSourceException.class, () -> a.authenticate("req", "x/y", challenge));
        assertTrue(declared.getMessage().contains("is " + huge + " bytes (Content-Length), over the limit of 65536 bytes"),
                declared.getMessage());
        assertEquals(Optional.empty(), a.authorization("x/y"));
    }

    @Test
    void challengeParametersAreReadByLowerCasedName() {
        assertEquals(Map.of("realm", "https://auth/token", "service", "reg", "scope", "repository:a:pull"),
                RegistryAuth.challengeParameters("Bearer Realm=\"https://auth/token\",service=\"reg\", scope=\"repository:a:pull\""));
        assertEquals(URI.create("https://auth/token?scope=repository%3Ab%2Fc%3Apull"),
                RegistryAuth.tokenUri("https://auth/token", Map.of(), "b/c"));
    }
}
