package org.layerswap.itests;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The built appliance as an operator runs it: the tarball unpacked into target/, free ports
 * written into its etc/, and {@code bin/karaf server} as a child process. For tests that drive
 * the appliance from outside (browser tests), where Pax Exam's in-container probe does not fit.
 */
final class RunningAppliance implements AutoCloseable {

    final int httpPort;
    final Path home;
    /** The other listeners' ports, chosen free: SSH, JMX RMI registry and server, ingest HTTP. */
    final int sshPort;
    final int rmiRegistryPort;
    final int rmiServerPort;
    final int routesPort;
    /** Where HTTP is served: {@code http://127.0.0.1} by default, {@code https://<address>} when opened. */
    private final String origin;
    /** The HTTPS port when opened beyond loopback (plain HTTP is then off), else 0. */
    final int securePort;
    private final Process process;
    private final int[] ports;
    private final String listen;

    private RunningAppliance(Path home, int[] ports, String listen, Process process) {
        this.home = home;
        this.ports = ports;
        this.listen = listen;
        this.securePort = listen == null ? 0 : ports[5];
        this.origin = listen == null ? "http://127.0.0.1:" + ports[0] : "https://" + listen + ":" + ports[5];
        this.httpPort = ports[0];
        this.sshPort = ports[1];
        this.rmiRegistryPort = ports[2];
        this.rmiServerPort = ports[3];
        this.routesPort = ports[4];
        this.process = process;
    }

    static RunningAppliance start() throws Exception {
        return start(null);
    }

    /**
     * Starts the appliance with {@code LAYERSWAP_LISTEN=listen} (the documented switch), or as
     * shipped (loopback) when {@code listen} is null.
     */
    static RunningAppliance start(String listen) throws Exception {
        return start(listen, home -> {
        });
    }

    /** What a test writes into the unpacked appliance (its etc/) before the first start. */
    interface Preparation {
        void prepare(Path home) throws IOException;
    }

    /** Starts the appliance as {@link #start(String)} does, after {@code before} has edited the unpacked home. */
    static RunningAppliance start(String listen, Preparation before) throws Exception {
        Path tarball = Path.of(System.getProperty("layerswap.assembly"));
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException("the built appliance is missing (" + tarball + "): build the assembly module first");
        }
        Path dir = Files.createTempDirectory(Path.of("target"), "appliance-");
        run(List.of("tar", "-xzf", tarball.toString(), "-C", dir.toString()));
        Path home;
        try (Stream<Path> s = Files.list(dir)) {
            home = s.filter(Files::isDirectory).findFirst().orElseThrow().toAbsolutePath();
        }
        int[] ports = {freePort(), freePort(), freePort(), freePort(), freePort(), freePort()};
        append(home.resolve("etc/org.ops4j.pax.web.cfg"), "org.osgi.service.http.port = " + ports[0]);
        append(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort = " + ports[1]);
        append(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort = " + ports[2] + "\nrmiServerPort = " + ports[3]);
        append(home.resolve("etc/system.properties"), "karaf.shutdown.port=-1");
        append(home.resolve("etc/org.ops4j.pax.web.cfg"), "org.osgi.service.http.port.secure = " + ports[5]);
        append(home.resolve("etc/org.layerswap.routes.cfg"), "httpPort = " + ports[4]);
        // the bundles come from the build's Maven repository (a private -Dmaven.repo.local too), as in ApplianceTestSupport
        append(home.resolve("etc/org.ops4j.pax.url.mvn.cfg"), "org.ops4j.pax.url.mvn.localRepository = "
                + System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository"));
        before.prepare(home);
        return launch(home, ports, listen);
    }

    private static RunningAppliance launch(Path home, int[] ports, String listen) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("karaf.out").toFile());
        pb.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("LAYERSWAP_LISTEN");
        if (listen != null) {
            pb.environment().put("LAYERSWAP_LISTEN", listen);
        }
        RunningAppliance appliance = new RunningAppliance(home, ports, listen, pb.start());
        appliance.awaitHttp("/layerswap/login", BOOT_SECONDS);
        return appliance;
    }

    /**
     * The appliance as a separate process is killed as the kernel's OOM killer or {@code kill -9} would: SIGKILL
     * to the JVM, then to whatever it had started (sandboxes) and the launcher script, as a service manager's
     * control-group kill does. Returns once every one of them has exited; nothing is cleaned up.
     */
    void killHard() throws Exception {
        ProcessHandle jvm = jvm();
        List<ProcessHandle> rest = new ArrayList<>(jvm.descendants().toList());
        rest.addAll(process.descendants().toList());
        rest.add(process.toHandle());
        jvm.destroyForcibly();
        jvm.onExit().get(30, TimeUnit.SECONDS);
        for (ProcessHandle p : rest) {
            p.destroyForcibly();
            p.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    /** Starts the appliance again on the same home, data and ports (after {@link #killHard} or {@link #close}). */
    RunningAppliance restart() throws Exception {
        if (process.isAlive()) {
            throw new IllegalStateException("the appliance under " + home + " is still running");
        }
        return launch(home, ports, listen);
    }

    /**
     * How long a start may take to serve the login page: three appliances booting at once on CI's two cores have
     * needed more than three minutes (session 9's ClusterIT); a hang still fails, with {@link #bootDiagnosis}.
     */
    static final int BOOT_SECONDS = 300;

    /** The appliance's JVM: bin/karaf's java child (the script itself when it exec'd java). */
    ProcessHandle jvm() {
        return process.descendants().filter(p -> p.info().command().orElse("").endsWith("/java")).findFirst()
                .orElse(process.toHandle());
    }

    /**
     * The heap the appliance's JVM still holds after a full collection: {@code jcmd <pid> GC.run} (the JDK's own
     * diagnostic command, from the JVM's own JDK), then {@code GC.heap_info}'s "used" figure. What survives a full
     * GC is the live set, so two of these compare what a process keeps, unlike heap samples that depend on when the
     * last young collection ran.
     */
    long liveHeapBytes() throws Exception {
        ProcessHandle jvm = jvm();
        Path javaBin = Path.of(jvm.info().command().orElseThrow(() -> new IllegalStateException("the appliance's JVM has no command path")));
        String jcmd = javaBin.resolveSibling("jcmd").toString();
        String pid = Long.toString(jvm.pid());
        run(List.of(jcmd, pid, "GC.run"));
        String info = output(List.of(jcmd, pid, "GC.heap_info"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("heap\\s+total \\d+K, used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("jcmd GC.heap_info printed no heap total: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    String url(String path) {
        return origin + path;
    }

    /**
     * A connection to the appliance's HTTP(S) listener. Over HTTPS it trusts exactly the certificate
     * in the appliance's generated etc/layerswap-https.p12 (self-signed), checking no host name.
     */
    HttpURLConnection open(String path) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(url(path)).openConnection();
        if (c instanceof javax.net.ssl.HttpsURLConnection https) {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(home.resolve("etc/layerswap-https.p12"))) {
                ks.load(in, Files.readString(home.resolve("etc/layerswap-https.password")).trim().toCharArray());
            }
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("appliance", ks.getCertificate("layerswap"));
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            https.setSSLSocketFactory(tls.getSocketFactory());
            https.setHostnameVerifier((host, session) -> true);
        }
        return c;
    }

    /** The administrator password bin/layerswap-secure generated at the first start (etc/layerswap-admin.password). */
    String adminPassword() throws IOException {
        return Files.readString(home.resolve("etc/layerswap-admin.password")).trim();
    }

    /**
     * Runs a shell command through bin/client (SSH, batch mode) as ./layerswap client does: with
     * the admin key generated at first start, no password. Returns what it printed.
     */
    String client(String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/client").toString(), "-u", "karaf",
                "-k", home.resolve("etc/layerswap-admin.key").toString(), "-r", "30", "-d", "1", "-b")
                .directory(home.toFile())
                .redirectErrorStream(true);
        pb.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        try (java.io.OutputStream in = p.getOutputStream()) {
            in.write((command + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String out;
        try (InputStream o = p.getInputStream()) {
            out = new String(o.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("bin/client '" + command + "' did not finish: " + out);
        }
        return out;
    }

    /**
     * One HTTP/1.1 exchange with the plain HTTP listener over a socket bound to the given loopback
     * source address (so a test's login failures count against an address of its own); the whole
     * response.
     */
    String rawFrom(String source, String request) throws IOException {
        try (java.net.Socket s = new java.net.Socket()) {
            s.bind(new java.net.InetSocketAddress(source, 0));
            s.connect(new java.net.InetSocketAddress("127.0.0.1", httpPort), 5000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            try (InputStream in = s.getInputStream()) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
    }

    /** A GET of {@code path} with HTTP Basic {@code user:password} from the source address; the whole response. */
    String basicFrom(String source, String path, String userColonPassword) throws IOException {
        return rawFrom(source, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Basic "
                + java.util.Base64.getEncoder().encodeToString(userColonPassword.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "\r\n\r\n");
    }

    /** The status code of a raw HTTP response, as text (the whole response when it has none). */
    static String statusOf(String response) {
        String[] first = response.split("\r\n", 2)[0].split(" ");
        return first.length > 1 ? first[1] : response;
    }

    private void awaitHttp(String path, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the appliance exited with " + process.exitValue() + "; see " + home.resolve("karaf.out"));
            }
            try {
                HttpURLConnection c = open(path);
                c.setConnectTimeout(1000);
                c.setReadTimeout(5000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException | java.security.GeneralSecurityException notYet) {
                // still booting
            }
            Thread.sleep(500);
        }
        String diagnosis = bootDiagnosis();
        close();
        throw new IllegalStateException("the appliance did not serve " + path + " within " + seconds + " s; see "
                + home.resolve("karaf.out") + "\n" + diagnosis);
    }

    /**
     * What a boot that did not finish was doing, for the failure message (CI keeps only the test report): the last
     * lines of Karaf's own log (karaf.out ends at pax-logging's start, the rest goes to data/log/karaf.log) and the
     * JVM's threads ({@code jcmd Thread.print}, also kept beside karaf.out), so a slow boot and a hung one can be told
     * apart next time.
     */
    private String bootDiagnosis() {
        StringBuilder out = new StringBuilder();
        try {
            List<String> log = Files.readAllLines(home.resolve("data/log/karaf.log"));
            out.append("last lines of data/log/karaf.log:\n")
                    .append(String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size()))).append('\n');
        } catch (IOException | RuntimeException e) {
            out.append("no data/log/karaf.log: ").append(e).append('\n');
        }
        try {
            ProcessHandle jvm = jvm();
            Path javaBin = Path.of(jvm.info().command().orElseThrow(() -> new IllegalStateException("no command path")));
            String threads = output(List.of(javaBin.resolveSibling("jcmd").toString(), Long.toString(jvm.pid()), "Thread.print"));
            Files.writeString(home.resolve("threads-at-boot-timeout.txt"), threads);
            out.append("threads of the appliance's JVM (whole in threads-at-boot-timeout.txt):\n")
                    .append(threads, 0, Math.min(threads.length(), 20_000));
        } catch (Exception e) {
            out.append("no thread dump: ").append(e);
        }
        return out.toString();
    }

    /**
     * Stops the appliance: bin/karaf runs the JVM as a child, so SIGTERM goes to every descendant
     * (Karaf shuts down cleanly on it) and then to the script; anything left after a minute is killed.
     */
    @Override
    public void close() throws Exception {
        List<String> left = stop();
        if (!left.isEmpty()) {
            throw new IllegalStateException("the appliance left " + left.size() + " mount(s) after shutdown: " + left);
        }
    }

    /**
     * Stops the appliance: bin/karaf runs the JVM as a child, so SIGTERM goes to every descendant
     * (Karaf shuts down cleanly on it) and then to the script; anything left after a minute is killed.
     * Returns the mount points under the appliance's home that were still mounted once it had exited
     * (a clean shutdown tears down every function root, so none should be), after unmounting them to keep
     * the host clean.
     */
    List<String> stop() throws Exception {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (ProcessHandle p : tree) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                p.destroyForcibly();
            }
        }
        if (tree.stream().anyMatch(ProcessHandle::isAlive)) {
            throw new IllegalStateException("the appliance under " + home + " did not stop");
        }
        List<String> left = mountsUnder(home);
        for (String m : left) {
            new ProcessBuilder("umount", "-l", m).inheritIO().start().waitFor(10, TimeUnit.SECONDS); // keep the host clean
        }
        return left;
    }

    /** Mount points (from /proc/self/mountinfo) at or below {@code dir}. */
    static List<String> mountsUnder(Path dir) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(l -> l.split(" ")[4]).filter(m -> m.startsWith(dir.toString())).toList();
    }

    private static void append(Path file, String lines) throws IOException {
        Files.writeString(file, "\n" + lines + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private static void run(List<String> command) throws Exception {
        output(command);
    }

    /** Runs {@code command}, returns what it printed (stdout and stderr); throws naming it when it fails. */
    private static String output(List<String> command) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes());
        }
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
