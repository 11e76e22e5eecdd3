package org.layerswap.executor;

import java.time.Duration;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.layerswap.testkit.Await;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ImageConfig;

class BubblewrapSandboxTest {

    static final ImageConfig HANDLER = new ImageConfig(List.of("/bin/sh", "/fn/handler.sh"), List.of(), List.of("GREETING=hello"), "/fn");

    @TempDir
    Path dir;
    Path root;
    BubblewrapSandbox sandbox;

    @BeforeEach
    void setUp() throws IOException {
        root = TestRoots.busyboxRoot(dir.resolve("root"));
        sandbox = new BubblewrapSandbox(new SandboxSettings(TestRoots.BWRAP, true, 10_000, 4096));
        assertEquals("", sandbox.unavailableReason());
    }

    @AfterEach
    void tearDown() {
        sandbox.close();
    }

    @Test
    void parametersEnvironmentAndExitStatusReachTheFunction() throws IOException {
        TestRoots.script(root, """
                echo "first"
                read -r json
                echo "stdin $json"
                echo "env $GREETING $LS_FUNCTION $LS_PARAM_USER_ID"
                echo "host $(hostname) pwd $(pwd)"
                env | grep -c JAVA_HOME || true
                echo oops >&2
                exit 3
                """);
        SandboxRun r = sandbox.run("thumb/resize", root, HANDLER, Map.of("user-id", "42", "q", "a\"b"));
        assertEquals("", r.error());
        assertFalse(r.timedOut());
        assertEquals(3, r.exitCode());
        List<String> lines = r.stdout().lines().toList();
        assertEquals("first", lines.get(0));
        assertEquals("stdin {\"q\":\"a\\\"b\",\"user-id\":\"42\"}", lines.get(1));
        assertEquals("env hello thumb/resize 42", lines.get(2));
        assertEquals("host thumb-resize pwd /fn", lines.get(3));
        assertEquals("0", lines.get(4), "the host's environment must not leak into the sandbox");
        assertEquals("oops\n", r.stderr());
        assertTrue(r.processStartMicros() > 0 && r.executionMicros() >= 0, r.toString());
    }

    @Test
    void aRootBelowADirectoryTheSandboxUserCannotPassStillRunsAndLeavesNoMountOnTheHost() throws IOException {
        TestRoots.script(root, "echo \"in $(pwd)\"; echo x > /written\n");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        assertFalse(SandboxReach.reachable(root, 65534, 65534), "the test's folder is the operator's 0700 folder");
        SandboxRun r = sandbox.run("private/home", root, HANDLER, Map.of());
        assertEquals("", r.error());
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("in /fn\n", r.stdout());
        assertTrue(Files.exists(root.resolve("written")), "the rebound root is the function's real root");
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(SandboxProcess.REBOUND_ROOT.toString()),
                "the binding lived in the launcher's own mount namespace");
    }

    @Test
    void aHangingFunctionIsKilledAtTheTimeoutWithEverythingItStarted() throws Exception {
        BubblewrapSandbox quick = new BubblewrapSandbox(new SandboxSettings(TestRoots.BWRAP, true, 700, 4096));
        TestRoots.script(root, "echo started\nsleep 37.25 &\nsleep 37.5\n");
        SandboxRun r = quick.run("hang", root, HANDLER, Map.of());
        quick.close();
        assertTrue(r.timedOut(), r.toString());
        assertEquals(-1, r.exitCode());
        assertEquals("started\n", r.stdout());
        Await.until(Duration.ofSeconds(5), () -> !sleepersAlive(), "the function's processes to end with the timeout");
    }

    private static boolean sleepersAlive() {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().map(c -> c.contains("sleep 37.")).orElse(false));
    }

    @Test
    void outputIsBoundedButDrained() throws IOException {
        TestRoots.script(root, "yes 0123456789 | head -c 200000\necho tail >&2\n");
        SandboxRun r = sandbox.run("chatty", root, HANDLER, Map.of());
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.truncated());
        assertEquals(4096, r.stdout().length());
        assertEquals("tail\n", r.stderr());
    }

    @Test
    void functionsHaveNoNetworkAndWriteOnlyIntoTheirRoot() throws IOException {
        TestRoots.script(root, "cat /proc/net/dev | tail -n +3 | wc -l\necho data > /out.txt\nls /\n");
        SandboxRun r = sandbox.run("net", root, HANDLER, Map.of());
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("1", r.stdout().lines().findFirst().orElseThrow().trim(), "only the loopback device: " + r.stdout());
        assertEquals("data\n", Files.readString(root.resolve("out.txt")), "writes go to the bound root");
    }

    @Test
    void imagesWithoutEntrypointOrMissingProgramsAreReported() throws IOException {
        SandboxRun none = sandbox.run("empty", root, ImageConfig.EMPTY, Map.of());
        assertEquals("the image of empty has neither an entrypoint nor a cmd: nothing to run", none.error());
        SandboxRun missing = sandbox.run("missing", root, new ImageConfig(List.of("/usr/bin/python3"), List.of(), List.of(), "/"), Map.of());
        assertTrue(missing.exitCode() != 0 && missing.stderr().contains("python3"), missing.toString());
    }

    @Test
    void parameterNamesBecomeValidVariableNames() {
        assertEquals("USER_ID", BubblewrapSandbox.envName("user-id"));
        assertEquals("A_B_C9", BubblewrapSandbox.envName("a.b c9"));
        assertTrue(BubblewrapSandbox.environment("f", ImageConfig.EMPTY, Map.of()).containsKey("PATH"));
        assertEquals("/x", BubblewrapSandbox.environment("f", new ImageConfig(List.of(), List.of(), List.of("PATH=/x"), "/"),
                Map.of()).get("PATH"));
    }

    @Test
    void aMissingRuntimeSaysWhatToInstall() {
        BubblewrapSandbox none = new BubblewrapSandbox(new SandboxSettings(Path.of("/nonexistent/bwrap"), true, 1000, 10));
        assertEquals("/nonexistent/bwrap is missing: install Debian's bubblewrap package (apt-get install bubblewrap)",
                none.unavailableReason());
    }
}
