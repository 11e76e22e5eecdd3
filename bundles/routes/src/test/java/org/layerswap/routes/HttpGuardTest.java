package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class HttpGuardTest {

    private static final String TOKEN = "s3cret-token-0123456789";
    private static final String AUTH = "Bearer " + TOKEN;
    private final HttpGuard guard = new HttpGuard(new EdgeSettings(TOKEN, Set.of("appliance.lan"), Set.of("https://ops.lan"),
            EdgeSettings.list(EdgeSettings.DEFAULT_CONTENT_TYPES), 1 << 20, 1024, 256, 256, 32, 1024, 300_000));

    private static int status(HttpGuard.Refusal r) {
        return r == null ? 200 : r.status();
    }

    @Test
    void aLoopbackRequestWithTheTokenAndAJsonTypeIsAdmitted() {
        assertNull(guard.check("127.0.0.1:8182", null, AUTH, "application/x-ndjson", 100L));
        assertNull(guard.check("localhost", null, "bearer " + TOKEN, "application/json; charset=utf-8", null));
        assertNull(guard.check("[::1]:8182", null, AUTH, "application/json", null));
        assertNull(guard.check("Appliance.LAN.:80", null, AUTH, "application/json", null), "configured name, case and root dot");
    }

    @Test
    void aForeignOrMalformedHostIsMisdirected421() {
        assertEquals(421, status(guard.check("evil.example:8182", null, AUTH, "application/json", null)), "DNS rebinding");
        assertEquals(421, status(guard.check(null, null, AUTH, "application/json", null)));
        assertEquals(421, status(guard.check("127.0.0.1:80@evil", null, AUTH, "application/json", null)));
        assertEquals(421, status(guard.check("[::1]x", null, AUTH, "application/json", null)));
    }

    @Test
    void anOriginHeaderIsRefused403UnlessConfigured() {
        assertEquals(403, status(guard.check("127.0.0.1", "http://evil.example", AUTH, "application/json", null)));
        assertEquals(403, status(guard.check("127.0.0.1", "null", AUTH, "application/json", null)));
        assertNull(guard.check("127.0.0.1", "https://ops.lan", AUTH, "application/json", null));
    }

    @Test
    void aMissingOrWrongTokenIs401AndTheMessageNeverHoldsTheToken() {
        for (String a : new String[] {null, "", "Bearer", "Bearer wrong", "Basic " + TOKEN, "Bearer " + TOKEN + "x", TOKEN}) {
            HttpGuard.Refusal r = guard.check("127.0.0.1", null, a, "application/json", null);
            assertEquals(401, status(r), String.valueOf(a));
            assertTrue(!r.message().contains(TOKEN));
        }
    }

    @Test
    void browserSimpleTypesAndMissingTypesAre415() {
        for (String t : new String[] {null, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "text/csv"}) {
            assertEquals(415, status(guard.check("127.0.0.1", null, AUTH, t, null)), String.valueOf(t));
        }
    }

    @Test
    void aDeclaredLengthOverTheCapIs413BeforeAnyByteIsRead() {
        HttpGuard.Refusal r = guard.check("127.0.0.1", null, AUTH, "application/json", (1L << 20) + 1);
        assertEquals(413, status(r));
        assertTrue(r.message().contains("maxBodyBytes 1048576"), r.message());
    }

    @Test
    void configuringABrowserSimpleTypeOrAShortTokenIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new EdgeSettings(TOKEN, Set.of(), Set.of(), Set.of("text/plain"),
                1 << 20, 1024, 256, 256, 32, 1024, 0)).getMessage().contains("text/plain"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeSettings.defaults("short")).getMessage().contains("16"));
    }
}
