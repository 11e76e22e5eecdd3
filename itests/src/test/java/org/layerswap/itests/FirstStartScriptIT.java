package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.BeforeClass;
import org.junit.Test;

/**
 * bin/layerswap-secure from the built tarball, run as bin/setenv runs it before each start, on the
 * shipped etc/ (no JVM boot): credentials made once and re-registered after a rebuild, and the
 * listen switch with its TLS side (which the booted tests, on loopback, do not reach).
 */
public class FirstStartScriptIT {

    private static Path home;

    @BeforeClass
    public static void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("layerswap.assembly"));
        Path dir = Files.createTempDirectory(Path.of("target"), "first-start-");
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", dir.toString()).inheritIO().start();
        assertTrue(tar.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, tar.exitValue());
        try (var s = Files.list(dir)) {
            home = s.filter(Files::isDirectory).findFirst().orElseThrow().toAbsolutePath();
        }
    }

    private static Result secure(String listen) throws Exception {
        return secure(listen, null);
    }

    private static Result secure(String listen, String jmxListen) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", home.resolve("bin/layerswap-secure").toString(), home.resolve("etc").toString())
                .redirectErrorStream(true);
        pb.environment().remove("LAYERSWAP_LISTEN");
        if (listen != null) {
            pb.environment().put("LAYERSWAP_LISTEN", listen);
        }
        pb.environment().remove("LAYERSWAP_JMX_LISTEN");
        if (jmxListen != null) {
            pb.environment().put("LAYERSWAP_JMX_LISTEN", jmxListen);
        }
        pb.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue("layerswap-secure hangs: " + out, p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    private record Result(int exit, String out) {
    }

    private static Properties cfg(String name) throws Exception {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(home.resolve("etc").resolve(name))) {
            p.load(in);
        }
        return p;
    }

    private static long karafLines(String file) throws Exception {
        return Files.readAllLines(home.resolve("etc").resolve(file)).stream().filter(l -> l.matches("^karaf\\s*=.*")).count();
    }

    @Test
    public void theSwitchOpensWithTlsOnlyAndClosesAgainWhileCredentialsStayTheSame() throws Exception {
        Result first = secure(null);
        assertEquals(first.out(), 0, first.exit());
        String password = Files.readString(home.resolve("etc/layerswap-admin.password")).trim();
        assertEquals("127.0.0.1", cfg("org.apache.karaf.shell.cfg").getProperty("sshHost"));
        assertEquals("true", cfg("org.ops4j.pax.web.cfg").getProperty("org.osgi.service.http.enabled"));

        Result open = secure("0.0.0.0");
        assertEquals(open.out(), 0, open.exit());
        assertTrue("the password is printed only at generation: " + open.out(), !open.out().contains(password));
        Properties web = cfg("org.ops4j.pax.web.cfg");
        assertEquals("0.0.0.0", web.getProperty("org.ops4j.pax.web.listening.addresses"));
        assertEquals("plain HTTP must be off beyond loopback", "false", web.getProperty("org.osgi.service.http.enabled"));
        assertEquals("true", web.getProperty("org.osgi.service.http.secure.enabled"));
        assertEquals("8443", web.getProperty("org.osgi.service.http.port.secure"));
        assertEquals("true", web.getProperty("org.ops4j.pax.web.session.cookie.secure"));
        assertEquals("0.0.0.0", cfg("org.apache.karaf.shell.cfg").getProperty("sshHost"));
        assertEquals("JMX/RMI has no TLS: opening the rest leaves it on loopback",
                "127.0.0.1", cfg("org.apache.karaf.management.cfg").getProperty("rmiRegistryHost"));
        assertEquals("127.0.0.1", cfg("org.apache.karaf.management.cfg").getProperty("rmiServerHost"));
        Path keystore = Path.of(web.getProperty("org.ops4j.pax.web.ssl.keystore"));
        assertEquals(home.resolve("etc/layerswap-https.p12"), keystore);
        for (Path secret : List.of(keystore, home.resolve("etc/org.ops4j.pax.web.cfg"), home.resolve("etc/layerswap-https.password"))) {
            assertEquals(secret.toString(), "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, web.getProperty("org.ops4j.pax.web.ssl.keystore.password").toCharArray());
        }
        assertTrue("no key entry 'layerswap' in " + keystore, ks.isKeyEntry("layerswap"));

        Result closed = secure(null);
        assertEquals(closed.out(), 0, closed.exit());
        web = cfg("org.ops4j.pax.web.cfg");
        assertEquals("127.0.0.1", web.getProperty("org.ops4j.pax.web.listening.addresses"));
        assertEquals("true", web.getProperty("org.osgi.service.http.enabled"));
        assertEquals("false", web.getProperty("org.osgi.service.http.secure.enabled"));
        assertEquals("127.0.0.1", cfg("org.apache.karaf.shell.cfg").getProperty("sshHost"));
        assertEquals(password, Files.readString(home.resolve("etc/layerswap-admin.password")).trim());
        assertEquals(1, karafLines("users.properties"));
        assertEquals(1, karafLines("keys.properties"));
    }

    @Test
    public void aRebuiltEtcGetsTheKeptPasswordAgainNotANewOne() throws Exception {
        assertEquals(0, secure(null).exit());
        Path users = home.resolve("etc/users.properties");
        String password = Files.readString(home.resolve("etc/layerswap-admin.password")).trim();
        Files.writeString(users, Files.readString(users).replaceAll("(?m)^karaf\\s*=.*$", ""));
        Result again = secure(null);
        assertEquals(again.out(), 0, again.exit());
        assertTrue("no new password is printed: " + again.out(), !again.out().contains("generated"));
        Matcher m = Pattern.compile("(?m)^karaf = \\{CRYPT\\}([0-9a-f]{128})\\{CRYPT\\},_g_:admingroup$").matcher(Files.readString(users));
        assertTrue(Files.readString(users), m.find());
        assertEquals(ApplianceTestSupport.sha512Hex(password), m.group(1));
    }

    @Test
    public void aListenValueThatIsNoAddressIsRefusedNamingIt() throws Exception {
        Result bad = secure("0.0.0.0;touch /tmp/x");
        assertNotEquals(0, bad.exit());
        assertTrue(bad.out(), bad.out().contains("LAYERSWAP_LISTEN='0.0.0.0;touch /tmp/x' is not an address"));
    }

    /** JMX/RMI has no TLS: only the explicit LAYERSWAP_JMX_LISTEN exposes it, with a warning; a bad value is refused. */
    @Test
    public void jmxLeavesLoopbackOnlyWhenItsOwnSwitchNamesAnAddress() throws Exception {
        Result explicit = secure("0.0.0.0", "0.0.0.0");
        assertEquals(explicit.out(), 0, explicit.exit());
        assertEquals("0.0.0.0", cfg("org.apache.karaf.management.cfg").getProperty("rmiRegistryHost"));
        assertEquals("0.0.0.0", cfg("org.apache.karaf.management.cfg").getProperty("rmiServerHost"));
        assertTrue(explicit.out(), explicit.out().contains("WARNING: JMX/RMI (no TLS) listens on 0.0.0.0"));

        Result back = secure("0.0.0.0");
        assertEquals(back.out(), 0, back.exit());
        assertEquals("127.0.0.1", cfg("org.apache.karaf.management.cfg").getProperty("rmiRegistryHost"));
        assertEquals("127.0.0.1", cfg("org.apache.karaf.management.cfg").getProperty("rmiServerHost"));
        assertTrue(back.out(), !back.out().contains("WARNING: JMX"));

        Result bad = secure(null, "0.0.0.0 -Dx");
        assertNotEquals(0, bad.exit());
        assertTrue(bad.out(), bad.out().contains("LAYERSWAP_JMX_LISTEN='0.0.0.0 -Dx' is not an address"));
        assertEquals(0, secure(null).exit());
    }
}
