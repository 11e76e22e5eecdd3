package org.layerswap.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile function can no longer do (root-only: real bubblewrap, real cgroups). Each of these passed on
 * the sandbox that ran functions as host root with every capability and no limits.
 */
class SandboxHardeningTest {

    @TempDir
    Path dir;
    Path root;
    BubblewrapSandbox sandbox;

    @BeforeEach
    void setUp() throws IOException {
        root = TestRoots.busyboxRoot(dir.resolve("root"));
        sandbox = new BubblewrapSandbox(new SandboxSettings(TestRoots.BWRAP, true, 20_000, 64 * 1024)
                .withLimits(SandboxLimits.defaults(), Map.of("bomb", "pids=32", "hog", "memory=32m")));
        assertEquals("", sandbox.unavailableReason());
    }

    @AfterEach
    void tearDown() {
        sandbox.close();
        assertEquals(List.of(), leftoverCgroups(), "every sandbox cgroup is removed after its run");
    }

    /** This JVM's sandbox groups still present in any hierarchy. */
    static List<Path> leftoverCgroups() {
        String mine = "-" + ProcessHandle.current().pid() + "-";
        return sandboxGroups().filter(p -> p.getFileName().toString().contains(mine)).toList();
    }

    static Stream<Path> sandboxGroups() {
        return Cgroups.host().parents().stream().filter(Files::isDirectory).flatMap(parent -> {
            try (Stream<Path> s = Files.list(parent)) {
                return s.filter(Files::isDirectory).toList().stream();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    private SandboxRun run(String functionId, String script) throws IOException {
        TestRoots.script(root, script);
        return sandbox.run(functionId, root, BubblewrapSandboxTest.HANDLER, Map.of());
    }

    @Test
    void aFunctionRunsAsNobodyWithoutAnyCapabilityUnderSeccomp() throws IOException {
        SandboxRun r = run("who", "id -u\nid -g\ngrep -E '^(CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status\n");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("65534", "65534", "CapPrm:\t0000000000000000", "CapEff:\t0000000000000000",
                "CapBnd:\t0000000000000000", "CapAmb:\t0000000000000000", "NoNewPrivs:\t1", "Seccomp:\t2"), r.stdout().lines().toList());
    }

    @Test
    void aFunctionSeesOnlyItsOwnProcesses() throws IOException {
        long hostPid = ProcessHandle.current().pid();
        SandboxRun r = run("pids", "ls /proc | grep -c '^[0-9]'\ncat /proc/1/cmdline | tr '\\0' ' '\necho\n"
                + "[ -e /proc/" + hostPid + " ] && echo host-visible || echo host-hidden\n");
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.stdout().lines().toList();
        assertTrue(Integer.parseInt(lines.get(0).trim()) <= 5, "only the sandbox's processes: " + r.stdout());
        assertTrue(lines.get(1).startsWith(TestRoots.BWRAP.toString()), "pid 1 is bubblewrap's init: " + lines.get(1));
        assertTrue(hostPid <= 5 || lines.get(2).equals("host-hidden"), r.stdout());
    }

    @Test
    void aFunctionCannotMountCreateDevicesOrMakeANewUserNamespace() throws IOException {
        SandboxRun r = run("escape", """
                mount -t tmpfs none /tmp && echo mounted
                mknod /tmp/sda b 8 0 && echo made-block-device
                mknod /fn/null c 1 3 && echo made-char-device
                unshare -U -r true && echo new-userns
                echo done
                """);
        assertEquals("done\n", r.stdout(), r.stderr());
        assertTrue(r.stderr().contains("mount:") && r.stderr().contains("mknod:") && r.stderr().contains("unshare:"), r.stderr());
        assertFalse(Files.exists(root.resolve("fn/null")));
    }

    @Test
    void escapeSyscallsFailWithEpermAndForeignAbisAreKilled() throws IOException {
        TinyElf.write(root.resolve("fn/ptrace"), 101, 0, false);                 // ptrace(PTRACE_TRACEME)
        TinyElf.write(root.resolve("fn/unshare"), 272, 0x10000000, false);       // unshare(CLONE_NEWUSER)
        TinyElf.write(root.resolve("fn/keyctl"), 250, 0, false);                 // keyctl(KEYCTL_GET_KEYRING_ID)
        TinyElf.write(root.resolve("fn/bpf"), 321, 0, false);                    // bpf(BPF_MAP_CREATE)
        TinyElf.write(root.resolve("fn/userfaultfd"), 323, 0, false);
        TinyElf.write(root.resolve("fn/yield"), 24, 0, false);                   // sched_yield, allowed: exits 0
        TinyElf.write(root.resolve("fn/i386"), 20, 0, true);                     // getpid through int 0x80
        TinyElf.write(root.resolve("fn/x32"), 0x40000000 | 39, 0, false);        // getpid through the x32 ABI
        SandboxRun r = run("syscalls", "for f in ptrace unshare keyctl bpf userfaultfd yield i386 x32; do /fn/$f; echo \"$f $?\"; done\n");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("ptrace 1", "unshare 1", "keyctl 1", "bpf 1", "userfaultfd 1", "yield 0",
                "i386 159", "x32 159"), r.stdout().lines().toList(), "EPERM is 1; 159 = killed by SIGSYS");
    }

    @Test
    void aForkBombEndsAsPidsAndAMemoryHogAsOomWhileAnotherFunctionKeepsRunning() throws Exception {
        Path quietRoot = TestRoots.busyboxRoot(dir.resolve("quiet"));
        Files.writeString(quietRoot.resolve("fn/handler.sh"), "sleep 1\necho still-here\n");
        CompletableFuture<SandboxRun> quiet = CompletableFuture.supplyAsync(
                () -> sandbox.run("quiet", quietRoot, BubblewrapSandboxTest.HANDLER, Map.of()));

        SandboxRun q;
        try {
            // the handler itself never ends: "wait" would return as soon as the first two subshells leave their
            // children behind, so under load the handler could exit before the bomb reached its limit
            SandboxRun bomb = run("bomb", "f() { f | f & }\nf\nwhile :; do :; done\n");
            assertEquals(Cgroup.LimitHit.PIDS, bomb.limit(), bomb.toString());
            assertFalse(bomb.timedOut(), "ended by its limit, long before the 20 s timeout");

            SandboxRun hog = run("hog", "a=$(yes 0123456789abcdef | head -c 200000000)\necho survived ${#a}\n");
            assertEquals(Cgroup.LimitHit.MEMORY, hog.limit(), hog.toString());
            assertFalse(hog.stdout().contains("survived"), hog.stdout());
        } finally {
            q = quiet.get(); // before tearDown counts leftover groups: the quiet run's group lives until it ends
        }
        assertEquals(0, q.exitCode(), q.toString());
        assertEquals("still-here\n", q.stdout());
        assertEquals(Cgroup.LimitHit.NONE, q.limit());
    }

    @Test
    void aFunctionThatNeverReadsLargeParametersIsStillKilledAtItsTimeout() throws IOException {
        BubblewrapSandbox quick = new BubblewrapSandbox(new SandboxSettings(TestRoots.BWRAP, true, 700, 1024));
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            params.put("p" + i, "x".repeat(60_000)); // 480 kB of JSON: far more than a pipe buffer
        }
        TestRoots.script(root, "sleep 37.75\n");
        SandboxRun r = assertTimeoutPreemptively(Duration.ofSeconds(15),
                () -> quick.run("deaf", root, BubblewrapSandboxTest.HANDLER, params));
        quick.close();
        assertTrue(r.timedOut(), r.toString());
    }
}
