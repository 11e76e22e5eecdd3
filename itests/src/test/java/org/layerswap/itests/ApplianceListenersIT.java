package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * The appliance as shipped, started with bin/karaf (so bin/setenv's first-start step runs): no
 * default password, a generated admin password kept only as a digest, a generated SSH key for
 * bin/client, every listener on loopback, hardened session cookies and login throttling.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING) // wrongPasswords... last: it blocks user karaf for a while
public class ApplianceListenersIT {

    private static RunningAppliance appliance;

    @BeforeClass
    public static void start() throws Exception {
        appliance = RunningAppliance.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (appliance != null) {
            appliance.close();
        }
    }

    @Test
    public void adminPasswordIsGeneratedAtFirstStartAndKeptOnlyAsADigest() throws Exception {
        Path file = appliance.home.resolve("etc/layerswap-admin.password");
        String password = appliance.adminPassword();
        assertTrue("generated password too short: " + password.length(), password.length() >= 20);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String users = Files.readString(appliance.home.resolve("etc/users.properties"));
        assertFalse("users.properties holds the password itself", users.contains(password));
        assertTrue(users, users.contains("karaf = {CRYPT}" + ApplianceTestSupport.sha512Hex(password) + "{CRYPT},_g_:admingroup"));
        String log = Files.readString(appliance.home.resolve("karaf.out"));
        assertTrue("the first start prints the password once", log.indexOf(password) >= 0 && log.indexOf(password) == log.lastIndexOf(password));
        String keys = Files.readString(appliance.home.resolve("etc/keys.properties"));
        String publicKey = Files.readString(appliance.home.resolve("etc/layerswap-admin.key.pub")).split(" ")[1];
        assertTrue(keys, keys.contains("karaf = " + publicKey + ",_g_:admingroup"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(appliance.home.resolve("etc/layerswap-admin.key"))));
    }

    @Test
    public void clientLogsInWithTheGeneratedKeyWithoutAPassword() throws Exception {
        String out = appliance.client("echo listener-check-ok");
        assertTrue(out, out.contains("listener-check-ok"));
    }

    @Test
    public void everyListenerIsBoundToLoopbackOnly() throws Exception {
        List<String[]> listening = listeningSockets();
        for (int port : new int[] {appliance.httpPort, appliance.sshPort, appliance.rmiRegistryPort, appliance.rmiServerPort,
                appliance.routesPort}) {
            List<String> addresses = new ArrayList<>();
            for (String[] socket : listening) {
                if (Integer.parseInt(socket[1], 16) == port) {
                    addresses.add(socket[0]);
                }
            }
            assertFalse("nothing listens on port " + port, addresses.isEmpty());
            for (String address : addresses) {
                assertTrue("port " + port + " listens on " + address + ", not loopback", isLoopback(address));
            }
        }
    }

    @Test
    public void karafKarafIsRefusedEverywhereAndTheGeneratedPasswordAccepted() throws Exception {
        assertEquals(401, status("/layerswap/api/status", "karaf:karaf"));
        assertEquals(401, status("/system/console/bundles", "karaf:karaf"));
        assertEquals(200, status("/layerswap/api/status", "karaf:" + appliance.adminPassword()));
        assertEquals(200, status("/system/console/bundles", "karaf:" + appliance.adminPassword()));
    }

    @Test
    public void sessionCookieIsHttpOnlyAndSameSiteStrict() throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(appliance.url("/layerswap/login")).openConnection();
        c.setRequestMethod("POST");
        c.setInstanceFollowRedirects(false);
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        try (OutputStream out = c.getOutputStream()) {
            out.write(("username=karaf&password=" + URLEncoder.encode(appliance.adminPassword(), StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(302, c.getResponseCode());
        assertTrue(c.getHeaderField("Location"), c.getHeaderField("Location").endsWith("/layerswap/"));
        String cookie = String.join(" | ", c.getHeaderFields().getOrDefault("Set-Cookie", List.of()));
        String lower = cookie.toLowerCase(Locale.ROOT);
        assertTrue("no session cookie: " + cookie, lower.contains("jsessionid="));
        assertTrue(cookie, lower.contains("httponly"));
        assertTrue(cookie, lower.contains("samesite=strict"));
        assertFalse("plain HTTP on loopback: no Secure flag expected, got " + cookie, lower.contains("secure;") || lower.endsWith("secure"));
    }

    /**
     * From its own source address (127.0.0.2, so the other tests' 127.0.0.1 is not blocked), ten
     * wrong passwords in a minute are answered 401, the eleventh 429 with Retry-After, and then even
     * the right password is refused unchecked, by Basic auth and by the form alike.
     */
    @Test
    public void wrongPasswordsBeyondTenAMinuteAreRefusedWith429() throws Exception {
        for (int i = 1; i <= 10; i++) {
            assertEquals("wrong password #" + i, "401", statusOf(basicFrom("127.0.0.2", "karaf:wrong-" + i)));
        }
        String eleventh = basicFrom("127.0.0.2", "karaf:wrong-11");
        assertEquals(eleventh, "429", statusOf(eleventh));
        assertTrue(eleventh, eleventh.toLowerCase(Locale.ROOT).contains("retry-after:"));
        assertEquals("429", statusOf(basicFrom("127.0.0.2", "karaf:" + appliance.adminPassword())));
        String body = "username=karaf&password=" + URLEncoder.encode(appliance.adminPassword(), StandardCharsets.UTF_8);
        String form = rawFrom("127.0.0.2", "POST /layerswap/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        assertEquals(form, "429", statusOf(form));
    }

    private static int status(String path, String basic) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(appliance.url(path)).openConnection();
        c.setInstanceFollowRedirects(false);
        c.setRequestProperty("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        return c.getResponseCode();
    }

    private static String basicFrom(String source, String basic) throws IOException {
        return appliance.basicFrom(source, "/layerswap/api/status", basic);
    }

    private static String rawFrom(String source, String request) throws IOException {
        return appliance.rawFrom(source, request);
    }

    private static String statusOf(String response) {
        assertNotNull(response);
        return RunningAppliance.statusOf(response);
    }

    /** Listening TCP sockets of this host's network namespace as {hex local address, hex port}. */
    private static List<String[]> listeningSockets() throws IOException {
        List<String[]> sockets = new ArrayList<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p).subList(1, Files.readAllLines(p).size())) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals("0A")) { // TCP_LISTEN
                    sockets.add(f[1].split(":"));
                }
            }
        }
        return sockets;
    }

    /** 127.0.0.0/8 (v4, or v4-mapped v6) or ::1, in /proc/net/tcp's per-word little-endian hex. */
    private static boolean isLoopback(String hex) {
        if (hex.length() == 8) {
            return hex.endsWith("7F");
        }
        return hex.equals("00000000000000000000000001000000")
                || (hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F"));
    }
}
