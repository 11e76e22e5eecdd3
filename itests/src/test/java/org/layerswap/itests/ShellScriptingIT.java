package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Scripting the booted appliance: layerswap:* commands run in batch through the real SSH exec
 * channel, by bin/layerswap-client (OpenSSH, what ./layerswap client runs) and by Karaf's own
 * bin/client -b. A failed command prints its one 'Error: ...' line on stderr, nothing on stdout,
 * and exits 1; a successful one prints on stdout only and exits 0; the interactive shell still
 * shows just the error line.
 */
public class ShellScriptingIT {

    private static RunningAppliance appliance;

    /** What a batch client printed and how it exited. */
    private record Run(int exit, String out, String err) {
    }

    @BeforeClass
    public static void start() throws Exception {
        appliance = RunningAppliance.start();
        // the SSH listener and the shell bundle may come up after HTTP: wait until a command answers
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Run status = layerswapClient("layerswap:status --bundles-only");
        while (status.exit() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            status = layerswapClient("layerswap:status --bundles-only");
        }
        assertEquals("the appliance never answered layerswap:status: " + status, 0, status.exit());
    }

    @AfterClass
    public static void stop() throws Exception {
        if (appliance != null) {
            appliance.close();
        }
    }

    @Test
    public void failedCommandsPrintOneErrorLineOnStderrNothingOnStdoutAndExitOne() throws Exception {
        String[][] failures = {
            {"layerswap:replay bogus:x", "Error: unknown trace kind 'bogus'"},
            {"layerswap:predictor-use nope", "Error: unknown predictor 'nope'"},
            {"layerswap:fs-use zfs", "Error: unknown filesystem backend 'zfs'"},
            {"layerswap:threshold 7", "Error: threshold 7 is outside [0,1]"},
            {"layerswap:prefetches -n 0", "Error: --limit must be between 1 and 10000, got 0"},
            {"layerswap:ingest /etc/passwd", "Error: trace file '/etc/passwd' is outside the traces directory"},
        };
        for (String[] f : failures) {
            Run r = layerswapClient(f[0]);
            assertEquals(f[0] + ": " + r, 1, r.exit());
            assertEquals(f[0] + ": nothing on stdout", "", r.out());
            List<String> lines = r.err().lines().toList();
            assertEquals(f[0] + ": one line on stderr: " + r.err(), 1, lines.size());
            assertTrue(f[0] + ": " + r.err(), lines.get(0).startsWith(f[1]));
        }
    }

    @Test
    public void succeedingCommandsPrintOnStdoutOnlyAndExitZero() throws Exception {
        Run status = layerswapClient("layerswap:status");
        assertEquals(status.toString(), 0, status.exit());
        assertTrue(status.out(), status.out().contains("Services ("));
        assertFalse(status.out(), status.out().contains("(none registered)"));
        assertEquals("", status.err());

        Run predictors = layerswapClient("layerswap:predictor-list");
        assertEquals(predictors.toString(), 0, predictors.exit());
        assertTrue(predictors.out(), predictors.out().contains("markov"));
        assertEquals("", predictors.err());

        Run threshold = layerswapClient("layerswap:threshold");
        assertEquals(threshold.toString(), 0, threshold.exit());
        assertTrue(threshold.out(), threshold.out().startsWith("Threshold "));
        assertEquals("", threshold.err());
    }

    @Test
    public void aScriptOnStdinExitsWithItsLastCommandsStatusAndKeepsEveryErrorOnStderr() throws Exception {
        Run failedLast = layerswapClientScript("layerswap:threshold\nlayerswap:threshold 9\n");
        assertEquals(failedLast.toString(), 1, failedLast.exit());
        assertTrue(failedLast.out(), failedLast.out().startsWith("Threshold "));
        assertEquals("Error: threshold 9 is outside [0,1]", failedLast.err().strip());

        Run failedFirst = layerswapClientScript("layerswap:threshold 9\nlayerswap:threshold\n");
        assertEquals(failedFirst.toString(), 0, failedFirst.exit());
        assertEquals("Error: threshold 9 is outside [0,1]", failedFirst.err().strip());
    }

    @Test
    public void karafsOwnBatchClientShowsTheErrorAndExitsOneToo() throws Exception {
        Run r = karafClient("layerswap:predictor-use nope");
        assertEquals(r.toString(), 1, r.exit());
        // bin/client writes the channel's stderr to its stdout
        assertTrue(r.out(), r.out().contains("Error: unknown predictor 'nope'"));

        Run ok = karafClient("layerswap:threshold");
        assertEquals(ok.toString(), 0, ok.exit());
        assertTrue(ok.out(), ok.out().contains("Threshold "));
    }

    @Test
    public void theInteractiveShellStillShowsJustTheErrorLine() throws Exception {
        // a terminal session (ssh -tt): Karaf's console prints a command's non-null result, so a
        // failure must return nothing there
        List<String> cmd = new ArrayList<>(sshBase());
        cmd.add(0, "-tt");
        cmd.add(0, "ssh");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write("layerswap:predictor-use nope\nlogout\n".getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("the interactive shell did not end: " + out, p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(out, out.contains("Error: unknown predictor 'nope'"));
        assertFalse(out, out.contains("Error executing command"));
    }

    private static Run layerswapClient(String command) throws Exception {
        return run(List.of(appliance.home.resolve("bin/layerswap-client").toString(), command), null);
    }

    private static Run layerswapClientScript(String script) throws Exception {
        return run(List.of(appliance.home.resolve("bin/layerswap-client").toString()), script);
    }

    private static Run karafClient(String command) throws Exception {
        return run(List.of(appliance.home.resolve("bin/client").toString(), "-u", "karaf", "-k",
                appliance.home.resolve("etc/layerswap-admin.key").toString(), "-r", "30", "-d", "1", "-b"), command + "\n");
    }

    /** OpenSSH arguments after the options: as bin/layerswap-client, for an interactive session. */
    private static List<String> sshBase() throws Exception {
        Path known = Files.createTempFile(Path.of("target"), "known_hosts", "");
        Process convert = new ProcessBuilder("ssh-keygen", "-i", "-m", "PKCS8", "-f", appliance.home.resolve("etc/host.key.pub").toString())
                .redirectOutput(known.toFile()).start();
        assertTrue(convert.waitFor(30, TimeUnit.SECONDS));
        Files.writeString(known, "[127.0.0.1]:" + appliance.sshPort + " " + Files.readString(known));
        return List.of("-F", "none", "-p", String.valueOf(appliance.sshPort), "-i", appliance.home.resolve("etc/layerswap-admin.key").toString(),
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + known,
                "-o", "GlobalKnownHostsFile=/dev/null", "karaf@127.0.0.1");
    }

    private static Run run(List<String> command, String stdin) throws Exception {
        Path out = Files.createTempFile(Path.of("target"), "client-out", "");
        Path err = Files.createTempFile(Path.of("target"), "client-err", "");
        ProcessBuilder pb = new ProcessBuilder(command).directory(appliance.home.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish: " + Files.readString(out) + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
