package org.layerswap.executor.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.layerswap.api.ExecutionResult;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.OperationsListener;
import org.layerswap.api.FunctionExecutor;
import org.layerswap.api.SwapManager;
import org.layerswap.executor.BubblewrapSandbox;
import org.layerswap.executor.FunctionRunner;
import org.layerswap.executor.SandboxLimits;
import org.layerswap.executor.SandboxSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The function executor service (bubblewrap sandboxes). A configuration change applies to executions started
 * after it (sandbox settings and limits re-probed in place; a new slot count or history size makes a new runner,
 * whose history starts empty).
 */
@Component(configurationPid = ExecutorComponent.PID, service = FunctionExecutor.class,
        property = {"name=" + FunctionRunner.NAME})
@Designate(ocd = ExecutorComponent.Config.class)
public class ExecutorComponent implements FunctionExecutor {

    static final String PID = "org.layerswap.executor";

    @ObjectClassDefinition(name = "LayerSwap function executor",
            description = "Runs function entrypoints inside their composed roots, isolated by bubblewrap")
    public @interface Config {
        @AttributeDefinition(description = "The bubblewrap binary (Debian package bubblewrap)")
        String bwrap() default "/usr/bin/bwrap";

        @AttributeDefinition(description = "Give functions no network at all (an empty network namespace)")
        boolean isolateNetwork() default true;

        @AttributeDefinition(description = "Wall-clock limit of one execution in ms; the sandbox is killed after it")
        long timeoutMillis() default 30_000;

        @AttributeDefinition(description = "How long an invocation may wait for missing layers and an execution slot, ms")
        long layerTimeoutMillis() default 120_000;

        @AttributeDefinition(description = "Executions running at once")
        int maxConcurrent() default 8;

        @AttributeDefinition(description = "Bytes of stdout and of stderr kept per execution")
        int maxOutputBytes() default 65536;

        @AttributeDefinition(description = "Executions kept in the history")
        int historySize() default 500;

        @AttributeDefinition(description = "The uid functions run as inside their user namespace (never 0)")
        int uid() default SandboxSettings.NOBODY;

        @AttributeDefinition(description = "The gid functions run as inside their user namespace (never 0)")
        int gid() default SandboxSettings.NOBODY;

        @AttributeDefinition(description = "How long the activation probe (a trivial sandbox) may take, ms")
        long probeTimeoutMillis() default 10_000;

        @AttributeDefinition(description = "Memory limit of one sandbox (its cgroup), MB; tmpfs pages count")
        long memoryMb() default 256;

        @AttributeDefinition(description = "Processes and threads one sandbox may have at once (its cgroup's pids.max)")
        int pids() default 128;

        @AttributeDefinition(description = "CPU bandwidth of one sandbox in cores (a CFS quota)")
        double cpus() default 1.0;

        @AttributeDefinition(description = "Size of a sandbox's /tmp (tmpfs), MB")
        long tmpfsMb() default 64;

        @AttributeDefinition(description = "Per-function overrides: <function id>=<limits>, several separated by ';', "
                + "e.g. thumbnail=memory=512m,pids=64,cpus=0.5,tmpfs=16m;resize=pids=32")
        String functionLimits() default "";

        @AttributeDefinition(description = "The unprivileged host uid bubblewrap runs as: files functions write are owned by it "
                + "(never 0). The filesystem backends read it from here too")
        int sandboxHostUid() default SandboxSettings.NOBODY;

        @AttributeDefinition(description = "The unprivileged host gid bubblewrap runs as (never 0); the backends let this group "
                + "through their directories")
        int sandboxHostGid() default SandboxSettings.NOBODY;
    }

    @Reference
    SwapManager swapManager;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile FeedbackLoop feedback;

    /** Whiteboard {@link OperationsListener}s (metrics), told of every execution this service returns. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            fieldOption = org.osgi.service.component.annotations.FieldOption.UPDATE)
    final List<OperationsListener> operationsListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private BubblewrapSandbox sandbox;
    private volatile FunctionRunner runner;

    static SandboxSettings settings(Config c) {
        SandboxLimits limits = new SandboxLimits(c.memoryMb() * SandboxLimits.MB, c.pids(), c.cpus(), c.tmpfsMb() * SandboxLimits.MB);
        return new SandboxSettings(Path.of(c.bwrap()), c.isolateNetwork(), c.timeoutMillis(), c.maxOutputBytes(), c.uid(), c.gid(),
                c.probeTimeoutMillis(), limits, SandboxSettings.parseFunctionLimits(new String[] {c.functionLimits()}),
                c.sandboxHostUid(), c.sandboxHostGid());
    }

    static FunctionRunner.Limits limits(Config c) {
        return new FunctionRunner.Limits(c.layerTimeoutMillis(), c.maxConcurrent(), c.historySize());
    }

    @Activate
    void activate(Config c) {
        sandbox = new BubblewrapSandbox(settings(c));
        runner = new FunctionRunner(swapManager, () -> feedback, sandbox, limits(c));
    }

    @Modified
    void modified(Config c) {
        sandbox.update(settings(c));
        if (!limits(c).equals(runner.limits())) {
            runner = new FunctionRunner(swapManager, () -> feedback, sandbox, limits(c)); // probes on construction
        } else {
            runner.reprobe();
        }
    }

    @Deactivate
    void deactivate() {
        sandbox.close();
    }

    @Override
    public String name() {
        return runner.name();
    }

    @Override
    public boolean isAvailable() {
        return runner.isAvailable();
    }

    @Override
    public String unavailableReason() {
        return runner.unavailableReason();
    }

    @Override
    public ExecutionResult execute(String functionId, Map<String, String> inputParams) {
        ExecutionResult result = runner.execute(functionId, inputParams);
        for (OperationsListener l : operationsListeners) {
            try {
                l.executionFinished(result);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ExecutorComponent.class).warn("operations listener {} failed on execution {}", l, result.id(), e);
            }
        }
        return result;
    }

    @Override
    public List<ExecutionResult> recentExecutions(int limit) {
        return runner.recentExecutions(limit);
    }
}
