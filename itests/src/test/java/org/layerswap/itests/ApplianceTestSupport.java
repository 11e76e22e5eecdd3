package org.layerswap.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.BundleContext;

/**
 * Boots the appliance exactly as built (assembly/target/layerswap-assembly-*.tar.gz) with free
 * ports, so a running developer appliance does not collide with the test.
 */
public abstract class ApplianceTestSupport {

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected SessionFactory sessionFactory;

    /** The HTTP port the appliance under test listens on (chosen free at configuration time). */
    protected static final String HTTP_PORT = freePort();

    /**
     * The administrator the tests log in as. The appliance ships no password (bin/layerswap-secure
     * generates one at the first bin/karaf start, which Pax Exam bypasses), so the tests register
     * this one, digested as the appliance's JAAS config expects (SHA-512, hex, {CRYPT}).
     */
    protected static final String ADMIN_USER = "karaf";
    protected static final String ADMIN_PASSWORD = "itest-admin-Secret-0123456789";
    /** {@code user:password} for {@link #http}'s Basic auth. */
    protected static final String ADMIN = ADMIN_USER + ":" + ADMIN_PASSWORD;

    /** The ingestion routes' HTTP port in the appliance under test (read it in the probe from layerswap.test.routesPort). */
    protected static final String ROUTES_PORT = freePort();

    protected static Option[] applianceOptions(Option... extra) {
        String assembly = System.getProperty("layerswap.assembly");
        if (assembly == null || !new File(assembly).isFile()) {
            throw new IllegalStateException("the built appliance is missing (" + assembly
                    + "): build the assembly module first (mvn install -pl assembly -am)");
        }
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration()
                        .frameworkUrl(new File(assembly).toURI().toString())
                        .karafVersion("4.4.10")
                        .name("LayerSwap appliance")
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole(),
                logLevel(LogLevel.INFO),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository")),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", HTTP_PORT),
                systemProperty("layerswap.test.httpPort").value(HTTP_PORT),
                editConfigurationFilePut("etc/org.layerswap.routes.cfg", "httpPort", ROUTES_PORT),
                systemProperty("layerswap.test.routesPort").value(ROUTES_PORT),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", freePort()),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", freePort()),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", freePort()),
                editConfigurationFilePut("etc/system.properties", "karaf.shutdown.port", "-1"),
                editConfigurationFilePut("etc/users.properties", ADMIN_USER,
                        "{CRYPT}" + sha512Hex(ADMIN_PASSWORD) + "{CRYPT},_g_:admingroup"),
                // tests feed their own events; the demo workload would make counts inexact
                editConfigurationFilePut("etc/org.layerswap.demo.cfg", "enabled", "false"),
                systemProperty("layerswap.deployTestJar").value(System.getProperty("layerswap.deployTestJar", "")),
                systemProperty("layerswap.smoothingJar").value(System.getProperty("layerswap.smoothingJar", ""))));
        options.addAll(java9PlusOptions());
        options.addAll(List.of(extra));
        return options.toArray(new Option[0]);
    }

    /**
     * The JVM flags bin/karaf passes on Java 9+; Pax Exam starts the JVM itself, and without them
     * Karaf's specs locator (patched into java.base) is missing and boot logs errors.
     */
    private static List<Option> java9PlusOptions() {
        String karaf = "4.4.10";
        List<Option> o = new ArrayList<>();
        for (String flag : List.of("--add-reads=java.xml=java.logging",
                "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
                "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karaf + ".jar",
                "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karaf + ".jar",
                "--add-opens", "java.base/java.security=ALL-UNNAMED",
                "--add-opens", "java.base/java.net=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
                "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                "-classpath", "lib/jdk9plus/*" + java.io.File.pathSeparator + "lib/boot/*")) {
            o.add(org.ops4j.pax.exam.CoreOptions.vmOption(flag));
        }
        return o;
    }

    /**
     * Features the tarball carries but does not boot (cluster, containerd snapshotter; both idle until enabled), for the
     * tests that check every shipped etc/ file: installed without refreshing the running bundles.
     */
    protected static final java.util.Set<String> OPT_IN_FEATURES = java.util.Set.of("layerswap-cluster", "layerswap-containerd");

    protected static void installOptInFeatures(org.apache.karaf.features.FeaturesService features) throws Exception {
        features.installFeatures(OPT_IN_FEATURES, java.util.EnumSet.of(org.apache.karaf.features.FeaturesService.Option.NoAutoRefreshBundles));
    }

    /** Runs a shell command as the console would and returns what it printed. */
    protected String executeCommand(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            Session session = sessionFactory.create(System.in, out, out);
            try {
                Object result = session.execute(command);
                if (result != null) {
                    out.println(result);
                }
            } finally {
                session.close();
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Defines {@code fn} from {@code image}, retrying for 30 s while the layout source may still carry a previous path. */
    protected static java.util.List<org.layerswap.api.LayerId> defineFunction(org.layerswap.api.SwapManager swapManager, String fn,
                                                                           String image) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return swapManager.defineFunction(fn, image);
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    protected static boolean waitFor(BooleanSupplier condition, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    /** An HTTP request to the appliance on loopback; returns the status and body. */
    protected static HttpResult http(String method, String path, String basicAuth, String... headers) throws IOException {
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) new java.net.URL(
                "http://127.0.0.1:" + System.getProperty("layerswap.test.httpPort") + path).openConnection();
        c.setRequestMethod(method);
        c.setInstanceFollowRedirects(false);
        c.setConnectTimeout(5000);
        c.setReadTimeout(15000);
        if (basicAuth != null) {
            c.setRequestProperty("Authorization", "Basic " + java.util.Base64.getEncoder()
                    .encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            c.setRequestProperty(headers[i], headers[i + 1]);
        }
        int status = c.getResponseCode();
        java.io.InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new HttpResult(status, body, c.getHeaderField("Location"));
    }

    protected record HttpResult(int status, String body, String location) {
    }

    /** Lower-case hex SHA-512 of the UTF-8 text, as Karaf's basic JAAS encryption stores passwords. */
    static String sha512Hex(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-512")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-512", e);
        }
    }

    private static String freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return Integer.toString(socket.getLocalPort());
        } catch (IOException e) {
            throw new IllegalStateException("no free port on loopback", e);
        }
    }
}
