package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The appliance opened with the documented switch ({@code LAYERSWAP_LISTEN}) on this host's own
 * non-loopback address (not 0.0.0.0, so the test exposes nothing to the network it is not
 * already on): HTTP is served only over TLS with the certificate made at first start, plain HTTP
 * is off, and the session cookie is Secure.
 */
public class ApplianceOpenedIT {

    private static RunningAppliance appliance;
    private static String address;

    @BeforeClass
    public static void start() throws Exception {
        address = localNonLoopbackAddress();
        appliance = RunningAppliance.start(address);
    }

    @AfterClass
    public static void stop() throws Exception {
        if (appliance != null) {
            appliance.close();
        }
    }

    private static String localNonLoopbackAddress() throws Exception {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && !nif.isLoopback()) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        }
        throw new IllegalStateException("this host has no non-loopback IPv4 address to open the appliance on");
    }

    @Test
    public void httpsServesTheDashboardWithTheGeneratedCertificateAndASecureSessionCookie() throws Exception {
        HttpURLConnection c = appliance.open("/layerswap/login");
        c.setRequestMethod("POST");
        c.setInstanceFollowRedirects(false);
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        try (OutputStream out = c.getOutputStream()) {
            out.write(("username=karaf&password=" + URLEncoder.encode(appliance.adminPassword(), StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(302, c.getResponseCode());
        String cookie = String.join(" | ", c.getHeaderFields().getOrDefault("Set-Cookie", List.of())).toLowerCase(Locale.ROOT);
        assertTrue(cookie, cookie.contains("jsessionid="));
        assertTrue("over TLS the session cookie must be Secure: " + cookie, cookie.matches(".*;\\s*secure(;.*|$)"));
        assertTrue(cookie, cookie.contains("httponly"));
        assertTrue(cookie, cookie.contains("samesite=strict"));
    }

    @Test
    public void plainHttpIsOffOnTheOpenedAddressAndHttpsIsNotOnLoopback() throws Exception {
        assertThrows(ConnectException.class,
                () -> ((HttpURLConnection) new URL("http://" + address + ":" + appliance.httpPort + "/layerswap/login").openConnection()).getResponseCode());
        assertThrows(ConnectException.class,
                () -> ((HttpURLConnection) new URL("http://127.0.0.1:" + appliance.httpPort + "/layerswap/login").openConnection()).getResponseCode());
        assertThrows("HTTPS listens only on the opened address", ConnectException.class,
                () -> ((HttpURLConnection) new URL("http://127.0.0.1:" + appliance.securePort + "/layerswap/login").openConnection()).getResponseCode());
    }
}
