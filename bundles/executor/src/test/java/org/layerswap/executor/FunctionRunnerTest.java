package org.layerswap.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ExecutionResult;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationOutcome;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.LayerId;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.RootLease;
import org.layerswap.api.SwapManager;
import org.layerswap.fs.common.SandboxAccess;
import org.layerswap.fs.overlay.OverlayBackend;
import org.layerswap.fs.overlay.UpperLimits;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapRecord;

/** The runner's bookkeeping around a real sandbox, with a hand-written swap manager handing out one root. */
class FunctionRunnerTest {

    @TempDir
    Path dir;

    final List<InvocationOutcome> outcomes = new ArrayList<>();
    final List<InvocationOutcome> shadowOutcomes = new ArrayList<>();
    final FeedbackLoop feedback = new FeedbackLoop() {
        @Override
        public void record(InvocationOutcome outcome) {
            outcomes.add(outcome);
        }

        @Override
        public ExperimentArm assign(String functionId, long invocationSeq) {
            return ExperimentArm.TREATMENT;
        }

        @Override
        public double recommendedThreshold() {
            return 0.5;
        }
    };

    /**
     * Defines "fn" (one layer); enter() waits 30 ms "for layers" or fails when told to. Its root is one fixed tree,
     * or, with a backend, each lease's own tree from {@code backend.enter("fn")}.
     */
    final class OneRootSwapManager implements SwapManager {
        final Path root;
        final FilesystemBackend backend;
        IOException enterFailure;
        int leasesOpen;

        OneRootSwapManager(Path root) {
            this.root = root;
            this.backend = null;
        }

        OneRootSwapManager(FilesystemBackend backend) {
            this.root = null;
            this.backend = backend;
        }

        @Override
        public InvocationPlan handleInvocation(String functionId, Map<String, String> inputParams) {
            return new InvocationPlan(functionId, List.of(LayerId.of("sha256:" + "a".repeat(64))), List.of(), List.of(),
                    ExperimentArm.TREATMENT, 2_000);
        }

        @Override
        public Optional<FunctionDefinition> function(String functionId) {
            return functionId.equals("fn") ? Optional.of(new FunctionDefinition("fn", "demo/fn:1", "demo/fn", List.of(),
                    BubblewrapSandboxTest.HANDLER)) : Optional.empty();
        }

        @Override
        public RootLease enter(InvocationPlan plan, long timeoutMillis) throws IOException {
            if (enterFailure != null) {
                throw enterFailure;
            }
            RootLease own = backend == null ? null : backend.enter("fn");
            leasesOpen++;
            return new RootLease() {
                @Override
                public String functionId() {
                    return plan.functionId();
                }

                @Override
                public Path root() {
                    return own == null ? root : own.root();
                }

                @Override
                public long generation() {
                    return 7;
                }

                @Override
                public List<Path> layerDirs() {
                    return List.of(root);
                }

                @Override
                public long layerWaitMicros() {
                    return 30_000;
                }

                @Override
                public void close() {
                    if (own != null) {
                        own.close();
                    }
                    leasesOpen--;
                }
            };
        }

        @Override
        public void recordOutcome(InvocationPlan plan, InvocationOutcome outcome) {
            shadowOutcomes.add(outcome);
        }

        @Override
        public SwapRecord swap(String functionId, List<LayerId> layers, SwapMode mode, double shadowShare) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<SwapRecord> swapHistory(int limit) {
            return List.of();
        }

        @Override
        public double threshold() {
            return 0.5;
        }

        @Override
        public void setThreshold(double threshold) {
        }

        @Override
        public FunctionLayerMap functionLayers() {
            return FunctionLayerMap.empty().with("fn", List.of(LayerId.of("sha256:" + "a".repeat(64))));
        }
    }

    private FunctionRunner runner(OneRootSwapManager swap, Path bwrap) {
        return new FunctionRunner(swap, () -> feedback, new BubblewrapSandbox(new SandboxSettings(bwrap, true, 5_000, 1024)),
                new FunctionRunner.Limits(1_000, 2, 3));
    }

    @Test
    void anExecutionIsAccountedAndReportedToTheFeedbackLoop() throws IOException {
        Path root = TestRoots.busyboxRoot(dir.resolve("root"));
        TestRoots.script(root, "echo start\nexit ${LS_PARAM_EXIT:-0}\n");
        OneRootSwapManager swap = new OneRootSwapManager(root);
        FunctionRunner runner = runner(swap, TestRoots.BWRAP);
        ExecutionResult ok = runner.execute("fn", Map.of());
        assertEquals(ExecutionResult.Status.SUCCEEDED, ok.status(), ok.toString());
        assertEquals("start\n", ok.stdout());
        assertEquals(7, ok.generation());
        assertEquals(2, ok.coldStart().decisionMicros());
        assertEquals(30_000, ok.coldStart().layerWaitMicros());
        assertTrue(ok.coldStart().processStartMicros() > 0);
        ExecutionResult failed = runner.execute("fn", Map.of("exit", "4"));
        assertEquals(ExecutionResult.Status.FAILED, failed.status());
        assertEquals("exited with status 4", failed.detail());
        assertEquals(0, swap.leasesOpen, "every root lease is closed");
        assertEquals(2, outcomes.size());
        assertFalse(outcomes.get(0).error());
        assertTrue(outcomes.get(1).error());
        assertEquals(ExperimentArm.TREATMENT, outcomes.get(0).arm());
        assertEquals(30_002, outcomes.get(0).layerWaitMicros());
        assertEquals(outcomes, shadowOutcomes, "a shadow rollout sees the same outcomes");
        for (int i = 0; i < 3; i++) {
            runner.execute("fn", Map.of());
        }
        assertEquals(3, runner.recentExecutions(10).size(), "history is bounded");
    }

    @Test
    void unknownFunctionsNoRootAndNoRuntimeAreReportedNotThrown() throws IOException {
        OneRootSwapManager swap = new OneRootSwapManager(TestRoots.busyboxRoot(dir.resolve("root")));
        FunctionRunner runner = runner(swap, TestRoots.BWRAP);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> runner.execute("nope", Map.of()));
        assertEquals("unknown function 'nope'; defined: fn", unknown.getMessage());

        swap.enterFailure = new IOException("layers of fn not resident within 1000 ms: [sha256:aaaa]");
        ExecutionResult noRoot = runner.execute("fn", Map.of());
        assertEquals(ExecutionResult.Status.NOT_RUN, noRoot.status());
        assertEquals("no root to run in: layers of fn not resident within 1000 ms: [sha256:aaaa]", noRoot.detail());
        assertTrue(outcomes.get(0).error(), "the feedback loop counts it as an error");

        FunctionRunner noRuntime = runner(swap, Path.of("/nonexistent/bwrap"));
        assertFalse(noRuntime.isAvailable());
        ExecutionResult r = noRuntime.execute("fn", Map.of());
        assertEquals(ExecutionResult.Status.NOT_RUN, r.status());
        assertTrue(r.detail().contains("install Debian's bubblewrap"), r.detail());
    }

    @Test
    void aFunctionOverItsLimitsEndsAsOomOrPidsAndTheNextRunsNormally() throws IOException {
        Path root = TestRoots.busyboxRoot(dir.resolve("root"));
        TestRoots.script(root, """
                case "$LS_PARAM_MODE" in
                  bomb) f() { f | f & }; f; while :; do :; done ;;
                  hog) a=$(yes 0123456789abcdef | head -c 200000000); echo ${#a} ;;
                  *) echo fine ;;
                esac
                """);
        OneRootSwapManager swap = new OneRootSwapManager(root);
        SandboxSettings settings = new SandboxSettings(TestRoots.BWRAP, true, 20_000, 1024)
                .withLimits(SandboxLimits.defaults(), Map.of("fn", "pids=16,memory=32m"));
        FunctionRunner runner = new FunctionRunner(swap, () -> feedback, new BubblewrapSandbox(settings),
                new FunctionRunner.Limits(1_000, 2, 10));
        ExecutionResult bomb = runner.execute("fn", Map.of("mode", "bomb"));
        assertEquals(ExecutionResult.Status.PIDS_EXHAUSTED, bomb.status(), bomb.toString());
        assertEquals("ended on reaching its limit of 16 processes", bomb.detail());
        ExecutionResult hog = runner.execute("fn", Map.of("mode", "hog"));
        assertEquals(ExecutionResult.Status.OUT_OF_MEMORY, hog.status(), hog.toString());
        assertEquals("ended by its memory limit of 32 MB (OOM kill)", hog.detail());
        ExecutionResult fine = runner.execute("fn", Map.of());
        assertEquals(ExecutionResult.Status.SUCCEEDED, fine.status(), fine.toString());
        assertTrue(outcomes.get(0).error() && outcomes.get(1).error(), "the feedback loop counts limit hits as errors");
        assertEquals(0, swap.leasesOpen);
    }

    @Test
    void aFunctionThatFillsItsUpperEndsAsDiskExhaustedPromptlyAndTheNextRunsOnAFreshUpper() throws IOException {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        Path layer = TestRoots.busyboxRoot(Files.createDirectories(dir.resolve("layers")).resolve("base"));
        TestRoots.script(layer, """
                case "$LS_PARAM_MODE" in
                  fill) head -c 67108864 /dev/zero > /big; echo "head $?"; sleep 15 ;;
                  *) ls /big 2>/dev/null; echo fine ;;
                esac
                """);
        try (OverlayBackend backend = new OverlayBackend(dir.resolve("fs"), 0, java.util.Set.of(),
                new UpperLimits(8 * UpperLimits.MB, Map.of()), new SandboxAccess(SandboxSettings.NOBODY, SandboxSettings.NOBODY))) {
            assertEquals("", backend.unavailableReason());
            backend.compose("fn", List.of(layer));
            OneRootSwapManager swap = new OneRootSwapManager(backend);
            FunctionRunner runner = new FunctionRunner(swap, () -> feedback,
                    new BubblewrapSandbox(new SandboxSettings(TestRoots.BWRAP, true, 20_000, 1024)), new FunctionRunner.Limits(1_000, 2, 10));
            long t0 = System.nanoTime();
            ExecutionResult full = runner.execute("fn", Map.of("mode", "fill"));
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            assertEquals(ExecutionResult.Status.DISK_EXHAUSTED, full.status(), full.toString());
            assertEquals("ended on filling the 8 MB it may write (its root's file system is full)", full.detail());
            assertTrue(seconds < 10, "ended when its upper filled, not at the function's own 15 s sleep: " + seconds + " s");
            assertTrue(outcomes.get(0).error(), "the feedback loop counts it as an error");
            ExecutionResult next = runner.execute("fn", Map.of());
            assertEquals(ExecutionResult.Status.SUCCEEDED, next.status(), next.toString());
            assertEquals("fine\n", next.stdout(), "a fresh upper: the 8 MB of the last run are gone");
            assertEquals(0, swap.leasesOpen);
        }
    }
}
