package org.layerswap.executor;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.layerswap.api.ColdStart;
import org.layerswap.api.ExecutionResult;
import org.layerswap.api.ExecutionResult.Status;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.FunctionExecutor;
import org.layerswap.api.InvocationOutcome;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.RootLease;
import org.layerswap.api.SwapManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invocation path end to end, without OSGi types: the swap manager's decision, waiting for missing
 * layers (on demand), pinning the function's root, running the entrypoint in a bubblewrap sandbox, and
 * reporting the outcome to the feedback loop and to any shadow rollout of the function.
 */
public final class FunctionRunner implements FunctionExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(FunctionRunner.class);
    public static final String NAME = "bubblewrap";

    /**
     * @param layerTimeoutMillis how long an invocation may wait for its missing layers
     * @param maxConcurrent      executions running at once; more wait up to {@code layerTimeoutMillis} for a slot
     * @param historySize        executions kept for {@link #recentExecutions}
     */
    public record Limits(long layerTimeoutMillis, int maxConcurrent, int historySize) {
        public Limits {
            if (layerTimeoutMillis < 1 || maxConcurrent < 1 || historySize < 0) {
                throw new IllegalArgumentException("layerTimeoutMillis and maxConcurrent must be >= 1 and historySize >= 0, got "
                        + layerTimeoutMillis + ", " + maxConcurrent + ", " + historySize);
            }
        }
    }

    private final SwapManager swapManager;
    private final Supplier<FeedbackLoop> feedback;
    private final BubblewrapSandbox sandbox;
    private final Limits limits;
    private final Semaphore slots;
    private final AtomicLong ids = new AtomicLong();
    private final Deque<ExecutionResult> history = new ArrayDeque<>();
    private volatile String unavailable;

    public FunctionRunner(SwapManager swapManager, Supplier<FeedbackLoop> feedback, BubblewrapSandbox sandbox, Limits limits) {
        this.swapManager = swapManager;
        this.feedback = feedback == null ? () -> null : feedback;
        this.sandbox = sandbox;
        this.limits = limits;
        this.slots = new Semaphore(limits.maxConcurrent(), true);
        this.unavailable = sandbox.unavailableReason();
        if (!unavailable.isEmpty()) {
            LOG.warn("functions cannot run on this machine: {}", unavailable);
        }
    }

    /** Probes the sandbox again (after its settings changed); returns the new {@link #unavailableReason()}. */
    public String reprobe() {
        unavailable = sandbox.unavailableReason();
        if (!unavailable.isEmpty()) {
            LOG.warn("functions cannot run on this machine: {}", unavailable);
        }
        return unavailable;
    }

    public Limits limits() {
        return limits;
    }

    BubblewrapSandbox sandbox() {
        return sandbox;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isAvailable() {
        return unavailable.isEmpty();
    }

    @Override
    public String unavailableReason() {
        return unavailable;
    }

    @Override
    public ExecutionResult execute(String functionId, Map<String, String> inputParams) {
        Map<String, String> params = inputParams == null ? Map.of() : inputParams;
        FunctionDefinition def = swapManager.function(functionId).orElseThrow(() -> new IllegalArgumentException(
                "unknown function '" + functionId + "'; defined: " + String.join(", ", new TreeSet<>(swapManager.functionLayers().functions()))));
        long id = ids.incrementAndGet();
        long started = System.currentTimeMillis();
        if (!isAvailable()) {
            return finish(new ExecutionResult(id, functionId, params, started, Status.NOT_RUN, -1, "", "", false, ColdStart.NONE,
                    List.of(), -1, null, unavailable), null);
        }
        InvocationPlan plan = swapManager.handleInvocation(functionId, params);
        long decisionMicros = plan.decisionNanos() / 1000;
        boolean slot = false;
        try {
            slot = slots.tryAcquire(limits.layerTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!slot) {
            return finish(new ExecutionResult(id, functionId, params, started, Status.NOT_RUN, -1, "", "", false,
                    new ColdStart(decisionMicros, 0, 0, 0, 0), plan.missing(), -1, plan.arm(),
                    "all " + limits.maxConcurrent() + " execution slots stayed busy for " + limits.layerTimeoutMillis() + " ms"), plan);
        }
        try (RootLease lease = swapManager.enter(plan, limits.layerTimeoutMillis())) {
            SandboxRun run = sandbox.run(functionId, lease.root(), def.config(), params);
            ColdStart cs = new ColdStart(decisionMicros, lease.layerWaitMicros(), lease.mountMicros(), run.processStartMicros(),
                    run.executionMicros());
            SandboxLimits limits = sandbox.settings().limitsFor(functionId);
            Status status = !run.error().isEmpty() ? Status.NOT_RUN
                    : run.limit() == Cgroup.LimitHit.MEMORY ? Status.OUT_OF_MEMORY
                    : run.limit() == Cgroup.LimitHit.PIDS ? Status.PIDS_EXHAUSTED
                    : run.limit() == Cgroup.LimitHit.DISK ? Status.DISK_EXHAUSTED
                    : run.timedOut() ? Status.TIMED_OUT : run.exitCode() == 0 ? Status.SUCCEEDED : Status.FAILED;
            String detail = switch (status) {
                case NOT_RUN -> run.error();
                case OUT_OF_MEMORY -> "ended by its memory limit of " + limits.memoryBytes() / SandboxLimits.MB + " MB (OOM kill)";
                case PIDS_EXHAUSTED -> "ended on reaching its limit of " + limits.pids() + " processes";
                case DISK_EXHAUSTED -> "ended on filling the " + RootSpace.of(lease.root()).totalBytes() / SandboxLimits.MB
                        + " MB it may write (its root's file system is full)";
                case TIMED_OUT -> "killed after the " + sandbox.settings().timeoutMillis() + " ms timeout";
                case FAILED -> "exited with status " + run.exitCode();
                case SUCCEEDED -> "";
            };
            return finish(new ExecutionResult(id, functionId, params, started, status, run.exitCode(), run.stdout(), run.stderr(),
                    run.truncated(), cs, plan.missing(), lease.generation(), plan.arm(), detail), plan);
        } catch (IOException | RuntimeException e) {
            return finish(new ExecutionResult(id, functionId, params, started, Status.NOT_RUN, -1, "", "", false,
                    new ColdStart(decisionMicros, 0, 0, 0, 0), plan.missing(), -1, plan.arm(), "no root to run in: " + e.getMessage()), plan);
        } finally {
            slots.release();
        }
    }

    /** Records the result, and tells the feedback loop and the swap manager how the invocation went. */
    private ExecutionResult finish(ExecutionResult r, InvocationPlan plan) {
        synchronized (history) {
            history.addFirst(r);
            while (history.size() > limits.historySize()) {
                history.removeLast();
            }
        }
        if (plan != null) {
            ColdStart cs = r.coldStart();
            InvocationOutcome o = new InvocationOutcome(r.functionId(), r.startedMillis(), r.arm(),
                    cs.decisionMicros() + cs.layerWaitMicros() + cs.mountMicros(), cs.processStartMicros() + cs.executionMicros(),
                    !r.succeeded());
            FeedbackLoop fb = feedback.get();
            try {
                if (fb != null) {
                    fb.record(o);
                }
                swapManager.recordOutcome(plan, o);
            } catch (RuntimeException e) {
                LOG.warn("reporting the outcome of {} failed: {}", r.functionId(), e.toString());
            }
        }
        if (r.status() != Status.SUCCEEDED) {
            LOG.debug("execution {} of {}: {} {}", r.id(), r.functionId(), r.status(), r.detail());
        }
        return r;
    }

    @Override
    public List<ExecutionResult> recentExecutions(int limit) {
        synchronized (history) {
            return history.stream().limit(Math.max(0, limit)).toList();
        }
    }
}
